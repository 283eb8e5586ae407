// The parts of ECharts duban uses: line and scatter charts for target trajectories, maps for
// the county choropleth, and their components, drawn on canvas.
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart, MapChart } from 'echarts/charts';
import {
  GridComponent, TooltipComponent, LegendComponent, TitleComponent, VisualMapComponent,
  MarkLineComponent, MarkAreaComponent, AriaComponent, GeoComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  LineChart, ScatterChart, MapChart, GridComponent, TooltipComponent, LegendComponent,
  TitleComponent, VisualMapComponent, MarkLineComponent, MarkAreaComponent, AriaComponent,
  GeoComponent, CanvasRenderer,
]);

globalThis.echarts = echarts;
