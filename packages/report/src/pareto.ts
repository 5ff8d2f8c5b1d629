/**
 * The Pareto front of a multi-objective study: its COMPLETE trials in the plane of the first two
 * objectives, the Pareto-optimal ones highlighted and joined by their staircase, the others grey;
 * the hypervolume of the front and the list of its trials. Every multi-objective study's report
 * has it (a section of the report's own, before the registered ones).
 */
import { paramsLabel, Row, showValue, vegaLiteSpec } from './charts/common';
import type { ReportSection, SectionBlock } from './types';

export const PARETO_SECTION_ID = 'pareto-front';

export const paretoSection: ReportSection = {
  id: PARETO_SECTION_ID,
  build(ctx) {
    const study = ctx.study;
    const directions = study.directions;
    const metrics = study.metrics;
    if (!directions || !metrics || directions.length < 2) return null;
    const onFront = new Set(ctx.front?.trials ?? []);
    const rows: Row[] = [];
    for (const t of ctx.rows) {
      if (t.state !== 'COMPLETE' || !t.values || t.values.length < 2) continue;
      rows.push({ trial: t.number, a: t.values[0], b: t.values[1], front: onFront.has(t.number), params: paramsLabel(t), values: t.values.map(showValue).join(' / ') });
    }
    if (!rows.length) return null;
    const title = (i: number) => `${metrics[i]} (${directions[i]})`;
    const tooltip = [
      { field: 'trial', type: 'quantitative' },
      { field: 'values', type: 'nominal', title: metrics.join(' / ') },
      { field: 'params', type: 'nominal' },
    ];
    const x = { field: 'a', type: 'quantitative', title: title(0), scale: { zero: false } };
    const y = { field: 'b', type: 'quantitative', title: title(1), scale: { zero: false } };
    const spec = vegaLiteSpec({
      width: 520,
      height: 340,
      data: { values: rows },
      layer: [
        {
          transform: [{ filter: '!datum.front' }],
          mark: { type: 'point', filled: true, size: 50, color: '#9e9e9e', opacity: 0.6 },
          encoding: { x, y, tooltip },
        },
        {
          transform: [{ filter: 'datum.front' }],
          mark: { type: 'line', interpolate: directions[0] === directions[1] ? 'step-after' : 'step-before', color: '#d62728', strokeDash: [5, 3], strokeWidth: 1.5 },
          encoding: { x, y, order: { field: 'a', type: 'quantitative' } },
        },
        {
          transform: [{ filter: 'datum.front' }],
          mark: { type: 'point', filled: true, size: 90, color: '#d62728' },
          encoding: { x, y, tooltip },
        },
      ],
    });
    const f = ctx.front;
    const blocks: SectionBlock[] = [{ type: 'chart', chart: 'pareto-front' }];
    const frontRows = ctx.rows.filter((t) => onFront.has(t.number)).sort((p, q) => (p.values![0] - q.values![0]) || p.number - q.number);
    blocks.push({
      type: 'list',
      items: frontRows.map((t) => `trial ${t.number}: ${metrics.map((m, i) => `${m} = ${showValue(t.values![i])}`).join(', ')}; ${paramsLabel(t)}`),
    });
    return {
      title: 'Pareto front',
      note:
        `Each completed trial at its ${metrics[0]} and ${metrics[1]}${metrics.length > 2 ? ` (the first two of ${metrics.length} objectives)` : ''}. ` +
        `Red points are Pareto-optimal (no other trial is at least as good in every objective and better in one), joined by the dashed staircase; grey points are dominated.` +
        (f ? ` Hypervolume of the front: ${showValue(f.hypervolume)} against (${f.reference.map(showValue).join(', ')})${f.referenceGiven ? '' : ', the worst value of each objective'}.` : ''),
      charts: [{ id: 'pareto-front', title: 'Pareto front', spec }],
      blocks,
      data: { front: frontRows.map((t) => t.number) },
    };
  },
};
