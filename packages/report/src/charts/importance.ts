/** Parameter importance: one bar per parameter, its ε². */
import type { ChartSpec, ReportData } from '../types';
import { vegaLiteSpec } from './common';

export function importanceChart(d: ReportData): ChartSpec | undefined {
  if (!d.importance.items.length) return undefined;
  const rows = d.importance.items.map((i) => ({ param: i.param, importance: i.importance, groups: i.groups, n: i.n, estimable: i.estimable ? 'yes' : 'no: too few trials per group' }));
  const spec = vegaLiteSpec({
    width: 420,
    height: { step: 24 },
    data: { values: rows },
    mark: { type: 'bar', color: '#4c78a8' },
    encoding: {
      y: { field: 'param', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 260 } },
      x: { field: 'importance', type: 'quantitative', title: 'ε² (share of variance explained alone)', scale: { domain: [0, 1] } },
      tooltip: [
        { field: 'param', type: 'nominal' },
        { field: 'importance', type: 'quantitative', format: '.3f' },
        { field: 'groups', type: 'quantitative' },
        { field: 'n', type: 'quantitative', title: 'trials' },
        { field: 'estimable', type: 'nominal' },
      ],
    },
  });
  return { id: 'importance', section: 'importance', title: 'Parameter importance', spec };
}
