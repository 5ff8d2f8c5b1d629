/** Optimisation history: each trial's objective by trial number, the best so far as a step line, failed trials as rules. */
import type { ChartSpec, ReportData } from '../types';
import { intAxis, paramsLabel, Row, STATE_DOMAIN, STATE_RANGE, vegaLiteSpec } from './common';

export function historyChart(d: ReportData): ChartSpec {
  const minimize = d.study.direction === 'minimize';
  let best: number | null = null;
  const rows: Row[] = d.trials.map((t) => {
    if (t.state === 'COMPLETE' && t.value !== null) best = best === null || (minimize ? t.value < best : t.value > best) ? t.value : best;
    return { trial: t.number, state: t.state, value: t.value, best: t.state === 'COMPLETE' ? best : null, params: paramsLabel(t), error: t.error ?? '' };
  });
  const x = { field: 'trial', type: 'quantitative', title: 'trial', axis: intAxis(d.trials.map((t) => t.number)), scale: { padding: 12 } };
  const spec = vegaLiteSpec({
    width: 640,
    height: 260,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "datum.state === 'FAIL'" }],
        mark: { type: 'rule', color: '#d62728', strokeDash: [4, 3], opacity: 0.7 },
        encoding: { x, tooltip: [{ field: 'trial', type: 'quantitative' }, { field: 'state', type: 'nominal' }, { field: 'error', type: 'nominal' }] },
      },
      {
        transform: [{ filter: 'datum.best !== null' }],
        mark: { type: 'line', interpolate: 'step-after', color: '#2ca02c', strokeWidth: 2 },
        encoding: { x, y: { field: 'best', type: 'quantitative' } },
      },
      {
        transform: [{ filter: 'datum.value !== null' }],
        mark: { type: 'point', filled: true, size: 60, opacity: 0.9 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: `${d.study.metric} (${d.study.direction})`, scale: { zero: false } },
          color: { field: 'state', type: 'nominal', scale: { domain: STATE_DOMAIN, range: STATE_RANGE }, title: 'state' },
          shape: { field: 'state', type: 'nominal', scale: { domain: STATE_DOMAIN, range: ['circle', 'triangle-down', 'cross', 'diamond'] }, title: 'state' },
          tooltip: [
            { field: 'trial', type: 'quantitative' },
            { field: 'state', type: 'nominal' },
            { field: 'value', type: 'quantitative', format: '.4~g' },
            { field: 'params', type: 'nominal' },
          ],
        },
      },
    ],
  });
  return { id: 'history', section: 'history', title: 'Optimisation history', spec };
}
