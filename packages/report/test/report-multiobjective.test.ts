/**
 * The report of a multi-objective study: the front and its hypervolume in the data, the Pareto
 * front view (front and dominated trials apart), the best trials spread along the front, and the
 * summary naming the front in the page.
 */
import type { FrozenTrial } from '@vaekit/study';
import { buildReportData, renderReportHtml } from '../src';

function trial(number: number, values: number[] | undefined, state: FrozenTrial['state'] = 'COMPLETE'): FrozenTrial {
  return { number, state, params: { x: number / 10 }, distributions: { x: { type: 'float', low: 0, high: 1 } }, intermediate: {}, userAttrs: {}, systemAttrs: {}, ...(values ? { value: values[0], values } : {}) };
}

describe('report of a multi-objective study', () => {
  // (minimize, minimize): 0, 1, 3 and 5 are the front; 2 and 4 are dominated; 6 failed.
  const trials = [trial(0, [1, 5]), trial(1, [2, 3]), trial(2, [3, 4]), trial(3, [3, 1]), trial(4, [4, 4]), trial(5, [0.5, 6]), trial(6, undefined, 'FAIL')];
  const info = { name: 'mo', direction: 'minimize' as const, directions: ['minimize' as const, 'minimize' as const], attrs: { metric: 'recon', metrics: ['recon', 'kl'] } };

  test('the data holds the front (by the first metric), its hypervolume against the worst point, and each trial\'s values', () => {
    const d = buildReportData(info, trials);
    expect(d.study.directions).toEqual(['minimize', 'minimize']);
    expect(d.study.metrics).toEqual(['recon', 'kl']);
    expect(d.front!.trials).toEqual([5, 0, 1, 3]);
    expect(d.front!.reference).toEqual([4, 6]);
    // Staircase of (0.5, 6), (1, 5), (2, 3), (3, 1) against (4, 6): 0.5·0 + 1·1 + 1·3 + 1·5.
    expect(d.front!.hypervolume).toBeCloseTo(0 + 1 * 1 + 1 * 3 + 1 * 5, 12);
    expect(d.trials.find((t) => t.number === 3)!.values).toEqual([3, 1]);
    expect(d.best).toEqual([5, 0, 3]); // the ends and the middle of the front
    const view = d.sections.find((s) => s.id === 'pareto-front')!;
    expect(view.title).toBe('Pareto front');
    expect(view.note).toMatch(/Hypervolume of the front: 9 against \(4, 6\), the worst value of each objective/);
    const chart = d.charts.find((c) => c.id === 'pareto-front')!;
    const rows = (chart.spec.data as { values: Array<{ trial: number; front: boolean }> }).values;
    expect(rows.filter((r) => r.front).map((r) => r.trial).sort()).toEqual([0, 1, 3, 5]);
    expect(rows.filter((r) => !r.front).map((r) => r.trial)).toEqual([2, 4]);
  });

  test('a given reference point is used; the page states the front', () => {
    const d = buildReportData({ ...info, attrs: { ...info.attrs, referencePoint: [10, 10] } }, trials);
    expect(d.front!.reference).toEqual([10, 10]);
    expect(d.front!.referenceGiven).toBe(true);
    const html = renderReportHtml(d);
    expect(html).toContain('Pareto front');
  });

  test('a single-objective study has no front', () => {
    const d = buildReportData({ name: 's', direction: 'minimize', attrs: { metric: 'recon' } }, trials.map((t) => ({ ...t, values: undefined })));
    expect(d.front).toBeUndefined();
    expect(d.sections.find((s) => s.id === 'pareto-front')).toBeUndefined();
  });
});
