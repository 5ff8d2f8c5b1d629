/**
 * The rate–distortion plane: each completed trial at its rate (KL) and distortion (reconstruction
 * term), the Pareto front as a staircase. Trials run first at given values (a search's
 * `study.enqueue`, such as a grid over β) are drawn as their own series, joined in β order, so a
 * search's front can be compared with them; in a multi-objective study the trials off the front
 * are grey.
 */
import { paramsLabel, vegaLiteSpec } from '@vaekit/report';
import type { ReportContext, Row, SectionContent } from '@vaekit/report';

export interface RdTrial {
  trial: number;
  rate: number;
  distortion: number;
  /** Run first at given values (`study.enqueue`), with its β when it has one. */
  enqueued?: boolean;
  beta?: number;
}

export function rateDistortionChart(ctx: ReportContext, points: RdTrial[], front: number[]): NonNullable<SectionContent['charts']>[number] {
  const on = new Set(front);
  const multi = (ctx.study.directions?.length ?? 1) > 1;
  const byNumber = new Map(ctx.rows.map((r) => [r.number, r]));
  const rows: Row[] = points.map((p) => {
    const t = byNumber.get(p.trial)!;
    return {
      trial: p.trial,
      rate: p.rate,
      distortion: p.distortion,
      value: t.value,
      front: on.has(p.trial),
      enqueued: !!p.enqueued,
      beta: p.beta ?? null,
      label: p.beta !== undefined ? `β=${+p.beta.toPrecision(3)}` : '',
      params: paramsLabel(t),
    };
  });
  const frontRows = front.map((n, i) => ({ ...rows.find((r) => r.trial === n)!, order: i }));
  const gridRows = rows.filter((r) => r.enqueued).sort((a, b) => ((a.beta as number) ?? 0) - ((b.beta as number) ?? 0));
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
      ...(gridRows.length
        ? [
            {
              data: { values: gridRows.map((r, i) => ({ ...r, order: i })) },
              mark: { type: 'line', color: '#1f77b4', strokeWidth: 1.5, opacity: 0.8 },
              encoding: { x, y, order: { field: 'order', type: 'quantitative' } },
            },
            {
              data: { values: gridRows },
              mark: { type: 'text', dx: 8, dy: -8, align: 'left', fontSize: 10, color: '#1f77b4' },
              encoding: { x, y, text: { field: 'label', type: 'nominal' } },
            },
          ]
        : []),
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          // A multi-objective study has no single value to colour by: the front is red, the rest grey.
          color: multi
            ? { condition: { test: 'datum.front', value: '#d62728' }, value: '#9e9e9e' }
            : { field: 'value', type: 'quantitative', scale: { scheme: 'viridis', reverse: ctx.study.direction === 'maximize' }, title: ctx.study.metric },
          stroke: multi ? { value: null } : { condition: { test: 'datum.front', value: '#d62728' }, value: null },
          strokeWidth: { value: 2 },
          shape: { condition: { test: 'datum.enqueued', value: 'diamond' }, value: 'circle' },
          tooltip: [
            { field: 'trial', type: 'quantitative' },
            { field: 'rate', type: 'quantitative', format: '.3f' },
            { field: 'distortion', type: 'quantitative', format: '.3f' },
            { field: 'front', type: 'nominal', title: 'on the Pareto front' },
            { field: 'enqueued', type: 'nominal', title: 'run first (study.enqueue)' },
            { field: 'params', type: 'nominal' },
          ],
        },
      },
    ],
  });
  return { id: 'rd', title: 'Rate–distortion plane', spec };
}
