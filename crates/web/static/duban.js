// duban: draws the target charts and the county map from data in the page. Every chart has a
// table beside it with the same numbers, so the page reads without script or sight.
(function () {
  'use strict';
  var colours = { achieved: '#1f4e9c', green: '#2e7d32', amber: '#e0a100', red: '#c62828', no_data: '#b0b7bd' };

  function targetChart(el) {
    var c = JSON.parse(el.dataset.chart);
    var l = el.dataset;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    var series = [
      { name: l.lPlanned, type: 'line', data: c.path, symbol: 'circle', symbolSize: 6, lineStyle: { type: 'dashed', width: 2 }, color: '#1f4e9c' },
      { name: l.lObserved, type: 'line', data: c.observed, symbol: 'rect', symbolSize: 9, lineStyle: { width: 3 }, color: '#a4161a' },
    ];
    if (c.on_track.length) {
      series.push({ name: l.lOnTrack, type: 'line', data: c.on_track, symbol: 'none', lineStyle: { width: 1, type: 'dotted' }, color: '#2e7d32' });
      series.push({ name: l.lAtRisk, type: 'line', data: c.at_risk, symbol: 'none', lineStyle: { width: 1, type: 'dotted' }, color: '#e0a100' });
    }
    if (c.projection.length) {
      series.push({ name: l.lProjection, type: 'line', data: c.projection, symbol: 'triangle', symbolSize: 8, lineStyle: { type: [4, 6], width: 2 }, color: '#6a1b9a' });
    }
    if (c.goal !== null) {
      series[0].markLine = { symbol: 'none', label: { formatter: l.lGoal + ' {c}' }, lineStyle: { color: '#333' }, data: [{ yAxis: c.goal }] };
    }
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 24, top: 48, bottom: 32 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: c.unit, scale: true },
      series: series,
    });
    window.addEventListener('resize', function () { chart.resize(); });
  }

  function countyMap(el) {
    var areas = JSON.parse(el.dataset.areas);
    var byCode = {};
    areas.forEach(function (a) { byCode[a.adcode] = a; });
    fetch('/static/map.geojson').then(function (r) { return r.json(); }).then(function (geo) {
      geo.features.forEach(function (f) {
        f.properties = f.properties || {};
        f.properties.adcode = String(f.properties.adcode || f.id);
      });
      echarts.registerMap('duban-counties', geo);
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption({
        aria: { enabled: true },
        animation: false,
        tooltip: {
          formatter: function (p) {
            var a = byCode[p.name];
            if (!a) return p.name;
            var t = a.tasks;
            return a.name + '<br>' + el.dataset.lTasks + '：' + t.achieved + ' / ' + t.green + ' / ' + t.amber + ' / ' + t.red + ' / ' + t.no_data;
          },
        },
        series: [{
          type: 'map', map: 'duban-counties', nameProperty: 'adcode', roam: false, selectedMode: false,
          label: { show: true, fontSize: 12, color: '#111', textBorderColor: '#fff', textBorderWidth: 3, formatter: function (p) { return byCode[p.name] ? byCode[p.name].name : ''; } },
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
          emphasis: { label: { show: true }, itemStyle: { areaColor: '#f0a500' } },
          data: areas.map(function (a) { return { name: a.adcode, value: a.tasks.red, itemStyle: { areaColor: colours[a.rag] } }; }),
        }],
      });
      chart.on('click', function (p) { if (byCode[p.name]) location.href = el.dataset.base + p.name; });
      window.addEventListener('resize', function () { chart.resize(); });
      el.dataset.drawn = 'true';
    });
  }

  document.querySelectorAll('[data-chart]').forEach(targetChart);
  document.querySelectorAll('[data-areas]').forEach(countyMap);
})();
