/** A slice plot: one searched parameter against the objective, completed trials only. */
import type { ChartSpec, ReportData, ReportParam } from '../types';
import { paramsLabel, Row, showValue, vegaLiteSpec } from './common';

export function sliceChart(d: ReportData, p: ReportParam, i: number): ChartSpec {
  const rows: Row[] = d.trials
    .filter((t) => t.state === 'COMPLETE' && t.value !== null && p.name in t.params)
    .map((t) => ({ trial: t.number, x: p.type === 'categorical' ? showValue(t.params[p.name]) : (t.params[p.name] as number), value: t.value, params: paramsLabel(t) }));
  const x =
    p.type === 'categorical'
      ? { field: 'x', type: 'nominal', title: p.name, sort: p.choices?.map(showValue), axis: { labelAngle: 0, labelLimit: 120 } }
      : { field: 'x', type: 'quantitative', title: p.name, scale: p.log ? { type: 'log', padding: 8 } : { zero: false, padding: 8 }, axis: { labelOverlap: 'greedy', format: '~g' } };
  const spec = vegaLiteSpec({
    width: 240,
    height: 180,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 50, opacity: 0.85 },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: d.study.metric, scale: { zero: false } },
      color: { field: 'trial', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'trial', legend: { format: 'd', tickMinStep: 1 } },
      tooltip: [
        { field: 'trial', type: 'quantitative' },
        { field: 'x', type: p.type === 'categorical' ? 'nominal' : 'quantitative', title: p.name },
        { field: 'value', type: 'quantitative', format: '.4~g', title: d.study.metric },
      ],
    },
  });
  return { id: `slice-${i}`, section: 'slice', title: p.name, spec };
}
