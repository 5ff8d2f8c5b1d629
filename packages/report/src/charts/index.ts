/** The charts every study's report has, one module per chart. */
import type { ChartSpec, ReportData } from '../types';
import { curvesChart } from './curves';
import { historyChart } from './history';
import { importanceChart } from './importance';
import { parallelChart } from './parallel';
import { sliceChart } from './slice';

const defined = (c: ChartSpec | undefined): c is ChartSpec => !!c;

/** The study's own charts that come before the sections' (history, importance, slices, parallel coordinates). */
export function leadingCharts(d: ReportData): ChartSpec[] {
  return [historyChart(d), importanceChart(d), ...d.params.map((p, i) => sliceChart(d, p, i)), parallelChart(d)].filter(defined);
}

/** The study's own charts that come after the sections' `analysis` views (the learning curves). */
export function trailingCharts(d: ReportData): ChartSpec[] {
  return [curvesChart(d)].filter(defined);
}
