/** The rate–distortion plane: each completed trial at its rate (KL) and distortion (reconstruction term), the Pareto front as a staircase. */
import { paramsLabel, vegaLiteSpec } from '@vaekit/report';
import type { ReportContext, Row, SectionContent } from '@vaekit/report';

export interface RdTrial {
  trial: number;
  rate: number;
  distortion: number;
}

export function rateDistortionChart(ctx: ReportContext, points: RdTrial[], front: number[]): NonNullable<SectionContent['charts']>[number] {
  const on = new Set(front);
  const byNumber = new Map(ctx.rows.map((r) => [r.number, r]));
  const rows: Row[] = points.map((p) => {
    const t = byNumber.get(p.trial)!;
    return { trial: p.trial, rate: p.rate, distortion: p.distortion, value: t.value, front: on.has(p.trial), params: paramsLabel(t) };
  });
  const frontRows = front.map((n, i) => ({ ...rows.find((r) => r.trial === n)!, order: i }));
  const x = { field: 'rate', type: 'quantitative', title: 'rate R = KL(q(z|x) ‖ p(z)) (nats)', scale: { zero: false } };
  const y = { field: 'distortion', type: 'quantitative', title: 'distortion D = −log p(x|z) (nats)', scale: { zero: false } };
  const spec = vegaLiteSpec({
    width: 480,
    height: 320,
    layer: [
      {
        data: { values: frontRows },
        mark: { type: 'line', interpolate: 'step-after', color: '#d62728', strokeWidth: 1.5, strokeDash: [5, 3] },
        encoding: { x, y, order: { field: 'order', type: 'quantitative' } },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          color: { field: 'value', type: 'quantitative', scale: { scheme: 'viridis', reverse: ctx.study.direction === 'maximize' }, title: ctx.study.metric },
          stroke: { condition: { test: 'datum.front', value: '#d62728' }, value: null },
          strokeWidth: { value: 2 },
          tooltip: [
            { field: 'trial', type: 'quantitative' },
            { field: 'rate', type: 'quantitative', format: '.3f' },
            { field: 'distortion', type: 'quantitative', format: '.3f' },
            { field: 'front', type: 'nominal', title: 'on the Pareto front' },
            { field: 'params', type: 'nominal' },
          ],
        },
      },
    ],
  });
  return { id: 'rd', title: 'Rate–distortion plane', spec };
}
