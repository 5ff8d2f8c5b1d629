/** Learning curves: the values each trial reported per step. */
import type { ChartSpec, ReportData } from '../types';
import { intAxis, Row, STATE_DOMAIN, vegaLiteSpec } from './common';

export function curvesChart(d: ReportData): ChartSpec | undefined {
  const rows: Row[] = d.trials.flatMap((t) => t.curve.map(([step, value]) => ({ trial: t.number, step, value, state: t.state })));
  if (!rows.length) return undefined;
  const spec = vegaLiteSpec({
    width: 640,
    height: 260,
    data: { values: rows },
    mark: { type: 'line', point: { size: 20, filled: true }, strokeWidth: 1.5, opacity: 0.85 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step (epoch)', axis: intAxis(rows.map((r) => r.step as number)), scale: { padding: 12 } },
      y: { field: 'value', type: 'quantitative', title: `${d.study.metric} reported`, scale: { zero: false } },
      detail: { field: 'trial', type: 'nominal' },
      color: { field: 'trial', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'trial', legend: { format: 'd', tickMinStep: 1 } },
      strokeDash: { field: 'state', type: 'nominal', scale: { domain: STATE_DOMAIN, range: [[1, 0], [4, 3], [1, 3], [8, 2]] }, title: 'state', legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300 } },
      tooltip: [
        { field: 'trial', type: 'quantitative' },
        { field: 'state', type: 'nominal' },
        { field: 'step', type: 'quantitative' },
        { field: 'value', type: 'quantitative', format: '.4~g' },
      ],
    },
  });
  return { id: 'curves', section: 'curves', title: 'Learning curves', spec };
}
