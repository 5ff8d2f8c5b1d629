/** Parallel coordinates: one line per completed trial through every parameter (each scaled to its range) and the objective. */
import type { ChartSpec, ReportData, ReportParam, ReportTrial } from '../types';
import { Row, showValue, vegaLiteSpec } from './common';

export function parallelChart(d: ReportData): ChartSpec | undefined {
  const done = d.trials.filter((t) => t.state === 'COMPLETE' && t.value !== null);
  if (!done.length || !d.params.length) return undefined;
  const axes: Array<{ label: string; get: (t: ReportTrial) => unknown; p?: ReportParam }> = [
    ...d.params.map((p) => ({ label: p.name, get: (t: ReportTrial) => t.params[p.name], p })),
    { label: `${d.study.metric} (objective)`, get: (t: ReportTrial) => t.value },
  ];
  const lines: Row[] = [];
  const ticks: Row[] = [];
  axes.forEach((a, pos) => {
    const categorical = a.p?.type === 'categorical';
    const log = !!a.p?.log;
    let norm: (v: unknown) => number | null;
    if (categorical) {
      const seen = done.map((t) => showValue(a.get(t)));
      const choices = [...new Set([...(a.p!.choices ?? []).map(showValue), ...seen])];
      norm = (v) => (choices.length > 1 ? choices.indexOf(showValue(v)) / (choices.length - 1) : 0.5);
      choices.forEach((c, i) => ticks.push({ axis: a.label, pos, norm: choices.length > 1 ? i / (choices.length - 1) : 0.5, text: c }));
    } else {
      const tr = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && (!log || v > 0) ? (log ? Math.log(v) : v) : null);
      const xs = done.map((t) => tr(a.get(t))).filter((v): v is number => v !== null);
      const lo = Math.min(...xs);
      const hi = Math.max(...xs);
      norm = (v) => {
        const x = tr(v);
        return x === null ? null : hi > lo ? (x - lo) / (hi - lo) : 0.5;
      };
      if (xs.length) {
        const raw = (x: number) => showValue(log ? Math.exp(x) : x);
        ticks.push({ axis: a.label, pos, norm: hi > lo ? 0 : 0.5, text: raw(lo) });
        if (hi > lo) ticks.push({ axis: a.label, pos, norm: 1, text: raw(hi) });
      }
    }
    for (const t of done) {
      const n = norm(a.get(t));
      if (n !== null) lines.push({ trial: t.number, axis: a.label, pos, norm: n, raw: showValue(a.get(t)), value: t.value });
    }
  });
  const order = axes.map((a) => a.label);
  const x = { field: 'axis', type: 'nominal', sort: order, title: null, axis: { labelAngle: 0, labelLimit: 150, orient: 'bottom', domain: false, ticks: false } };
  const y = { field: 'norm', type: 'quantitative', axis: null, scale: { domain: [0, 1] } };
  const spec = vegaLiteSpec({
    width: Math.max(360, 150 * axes.length),
    height: 260,
    layer: [
      {
        data: { values: axes.map((a) => ({ axis: a.label })) },
        mark: { type: 'rule', color: '#999' },
        encoding: { x, y: { datum: 0, type: 'quantitative', axis: null, scale: { domain: [0, 1] } }, y2: { datum: 1 } },
      },
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.75 },
        encoding: {
          x,
          y,
          detail: { field: 'trial', type: 'nominal' },
          color: { field: 'value', type: 'quantitative', scale: { scheme: 'viridis', reverse: d.study.direction === 'maximize' }, title: d.study.metric },
          tooltip: [{ field: 'trial', type: 'quantitative' }, { field: 'axis', type: 'nominal' }, { field: 'raw', type: 'nominal', title: 'value' }],
        },
      },
      {
        data: { values: ticks },
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#333' },
        encoding: { x, y, text: { field: 'text', type: 'nominal' } },
      },
    ],
  });
  return { id: 'parallel', section: 'parallel', title: 'Parallel coordinates', spec };
}
