/**
 * The Vega-Lite specs of the report's charts, data inlined. Field names are fixed identifiers
 * (never a parameter's name, whose dots Vega-Lite would read as nested access); the user's
 * strings only appear as data values and titles, which Vega renders as text.
 */
import type { ReportData, ReportParam, ReportTrial } from './data';

export type Section = 'history' | 'importance' | 'slice' | 'parallel' | 'rd' | 'latent-summary' | 'latent' | 'curves';

export interface ChartSpec {
  id: string;
  section: Section;
  title: string;
  spec: Record<string, unknown>;
}

type Row = Record<string, string | number | boolean | null>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const STATE_DOMAIN = ['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING'];
const STATE_RANGE = ['#1f77b4', '#ff7f0e', '#d62728', '#7f7f7f'];
const CONFIG = { view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' }, legend: { labelFontSize: 11, titleFontSize: 11 } };

const showValue = (v: unknown) => (typeof v === 'number' ? String(+v.toPrecision(5)) : v === null ? 'null' : String(v));
const paramsLabel = (t: ReportTrial) =>
  Object.entries(t.params)
    .map(([k, v]) => `${k}=${showValue(v)}`)
    .join(', ');

/** An axis of integers (trial numbers, steps): every integer when there are few, else whole-number ticks. */
function intAxis(values: number[]): Record<string, unknown> {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (values.length && hi - lo <= 15) return { values: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i), format: 'd' };
  return { tickMinStep: 1, format: 'd' };
}

function base(title: string | undefined, extra: Record<string, unknown>): Record<string, unknown> {
  return { $schema: SCHEMA, ...(title ? { title } : {}), config: CONFIG, ...extra };
}

function history(d: ReportData): ChartSpec {
  const minimize = d.study.direction === 'minimize';
  let best: number | null = null;
  const rows: Row[] = d.trials.map((t) => {
    if (t.state === 'COMPLETE' && t.value !== null) best = best === null || (minimize ? t.value < best : t.value > best) ? t.value : best;
    return { trial: t.number, state: t.state, value: t.value, best: t.state === 'COMPLETE' ? best : null, params: paramsLabel(t), error: t.error ?? '' };
  });
  const x = { field: 'trial', type: 'quantitative', title: 'trial', axis: intAxis(d.trials.map((t) => t.number)), scale: { padding: 12 } };
  const spec = base(undefined, {
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

function importance(d: ReportData): ChartSpec | undefined {
  if (!d.importance.items.length) return undefined;
  const rows = d.importance.items.map((i) => ({ param: i.param, importance: i.importance, groups: i.groups, n: i.n, estimable: i.estimable ? 'yes' : 'no: too few trials per group' }));
  const spec = base(undefined, {
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

function slice(d: ReportData, p: ReportParam, i: number): ChartSpec {
  const rows: Row[] = d.trials
    .filter((t) => t.state === 'COMPLETE' && t.value !== null && p.name in t.params)
    .map((t) => ({ trial: t.number, x: p.type === 'categorical' ? showValue(t.params[p.name]) : (t.params[p.name] as number), value: t.value, params: paramsLabel(t) }));
  const x =
    p.type === 'categorical'
      ? { field: 'x', type: 'nominal', title: p.name, sort: p.choices?.map(showValue), axis: { labelAngle: 0, labelLimit: 120 } }
      : { field: 'x', type: 'quantitative', title: p.name, scale: p.log ? { type: 'log', padding: 8 } : { zero: false, padding: 8 }, axis: { labelOverlap: 'greedy', format: '~g' } };
  const spec = base(undefined, {
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

function parallel(d: ReportData): ChartSpec | undefined {
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
  const spec = base(undefined, {
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

function rateDistortion(d: ReportData): ChartSpec | undefined {
  if (!d.pareto) return undefined;
  const front = new Set(d.pareto);
  const rows: Row[] = d.trials
    .filter((t) => t.state === 'COMPLETE' && t.metrics && typeof t.metrics.kl === 'number' && typeof t.metrics.recon === 'number')
    .map((t) => ({ trial: t.number, rate: t.metrics!.kl!, distortion: t.metrics!.recon!, value: t.value, front: front.has(t.number), params: paramsLabel(t) }));
  const frontRows = d.pareto.map((n, i) => ({ ...rows.find((r) => r.trial === n)!, order: i }));
  const x = { field: 'rate', type: 'quantitative', title: 'rate R = KL(q(z|x) ‖ p(z)) (nats)', scale: { zero: false } };
  const y = { field: 'distortion', type: 'quantitative', title: 'distortion D = −log p(x|z) (nats)', scale: { zero: false } };
  const spec = base(undefined, {
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
          color: { field: 'value', type: 'quantitative', scale: { scheme: 'viridis', reverse: d.study.direction === 'maximize' }, title: d.study.metric },
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
  return { id: 'rd', section: 'rd', title: 'Rate–distortion plane', spec };
}

function curves(d: ReportData): ChartSpec | undefined {
  const rows: Row[] = d.trials.flatMap((t) => t.curve.map(([step, value]) => ({ trial: t.number, step, value, state: t.state })));
  if (!rows.length) return undefined;
  const spec = base(undefined, {
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

/** "trial N: params" of a trial, for the latent-usage charts. */
export const latentLabel = (t: ReportTrial) => {
  const p = paramsLabel(t);
  return `trial ${t.number}${p ? ': ' + p : ''}`;
};

/** The heading of a trial's heat map: its searched parameters and the active units at its last epoch. */
export function latentTitle(t: ReportTrial): string {
  const last = t.latent!.epochs[t.latent!.epochs.length - 1];
  const au = last.activeUnits === null ? 'active units not measured' : `${last.activeUnits} of ${t.latent!.dims} active units`;
  return `${latentLabel(t)} — ${au}${t.state === 'COMPLETE' ? '' : ` (${t.state})`}`;
}

/** Up to about `n` evenly spaced integer ticks from lo to hi. */
function someInts(lo: number, hi: number, n: number): number[] {
  const every = Math.max(1, Math.ceil((hi - lo + 1) / n));
  const out: number[] = [];
  for (let v = lo; v <= hi; v += every) out.push(v);
  return out;
}

/** Epochs up to this many get their active units and I(x;z) printed under the heat map; more get small line charts. */
export const LATENT_TEXT_EPOCHS = 24;

/** One trial's latent usage: KL per dimension over epochs (rect marks), then active units and I(x;z) per epoch. */
function latentTrial(d: ReportData, t: ReportTrial): ChartSpec {
  const u = t.latent!;
  const maxKl = d.latent?.maxKl || 1;
  const cells: Row[] = u.epochs.flatMap((e) => e.klPerDim.map((kl, dim) => ({ epoch: e.epoch, dim, kl: Math.max(0, kl) })));
  const epochs = u.epochs.map((e) => e.epoch);
  const step = Math.max(5, Math.min(28, Math.floor(320 / epochs.length)));
  const dimStep = Math.max(4, Math.min(14, Math.floor(260 / u.dims)));
  const x = {
    field: 'epoch',
    type: 'ordinal',
    title: 'epoch',
    sort: 'ascending',
    axis: { labelAngle: 0, values: epochs.length > 16 ? someInts(Math.min(...epochs), Math.max(...epochs), 10).filter((v) => epochs.includes(v)) : undefined },
  };
  const heat = {
    width: { step },
    height: { step: dimStep },
    data: { values: cells },
    mark: { type: 'rect' },
    encoding: {
      x: { ...x, axis: { ...x.axis, title: null, labels: false, ticks: false, domain: false } },
      y: { field: 'dim', type: 'ordinal', title: 'latent dimension', sort: 'ascending', axis: { values: someInts(0, u.dims - 1, Math.floor((u.dims * dimStep) / 14)) } },
      color: {
        field: 'kl',
        type: 'quantitative',
        title: 'KL (nats)',
        scale: { scheme: 'viridis', type: 'sqrt', domain: [0, maxKl], zero: true },
        legend: { gradientLength: Math.max(60, Math.min(200, u.dims * dimStep)), format: '.2~f' },
      },
      tooltip: [
        { field: 'epoch', type: 'ordinal' },
        { field: 'dim', type: 'ordinal', title: 'dimension' },
        { field: 'kl', type: 'quantitative', format: '.3f', title: 'KL (nats)' },
      ],
    },
  };
  const hasMi = u.epochs.some((e) => e.mutualInfo !== null);
  const below: Record<string, unknown>[] = [];
  if (epochs.length <= LATENT_TEXT_EPOCHS) {
    const rows: Row[] = [];
    for (const e of u.epochs) {
      rows.push({ epoch: e.epoch, row: 'active units', text: e.activeUnits === null ? '—' : String(e.activeUnits) });
      if (hasMi) rows.push({ epoch: e.epoch, row: 'I(x;z) nats', text: e.mutualInfo === null ? '—' : e.mutualInfo.toFixed(e.mutualInfo < 10 ? 2 : 1) });
    }
    below.push({
      width: { step },
      height: { step: 16 },
      data: { values: rows },
      mark: { type: 'text', fontSize: step < 22 ? 9 : 11, color: '#222' },
      encoding: {
        x,
        y: { field: 'row', type: 'nominal', title: null, sort: ['active units', 'I(x;z) nats'], axis: { domain: false, ticks: false } },
        text: { field: 'text', type: 'nominal' },
      },
    });
  } else {
    const line = (field: 'activeUnits' | 'mutualInfo', title: string, domain?: number[]) => ({
      width: { step },
      height: 60,
      data: { values: u.epochs.filter((e) => e[field] !== null).map((e) => ({ epoch: e.epoch, value: e[field] })) },
      mark: { type: 'line', point: { size: 14, filled: true }, color: '#4c78a8', strokeWidth: 1.5 },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title, scale: domain ? { domain } : { zero: false }, axis: { tickCount: 3 } },
        tooltip: [{ field: 'epoch', type: 'ordinal' }, { field: 'value', type: 'quantitative', title, format: '.3~f' }],
      },
    });
    below.push(line('activeUnits', 'active units', [0, u.dims]));
    if (hasMi) below.push(line('mutualInfo', 'I(x;z) nats'));
  }
  const spec = base(undefined, { vconcat: [heat, ...below], spacing: 4, resolve: { scale: { x: 'shared' } } });
  return { id: `latent-${t.number}`, section: 'latent', title: latentTitle(t), spec };
}

/** Active units at each trial's last epoch, by trial number, against the no-remedy run when there is one. */
function latentBars(d: ReportData): ChartSpec | undefined {
  if (!d.latent || !d.latent.shown.length) return undefined;
  const base0 = d.latent.baseline;
  const trials = d.trials.filter((t) => t.latent);
  const at = (t: ReportTrial) => t.latent!.epochs[t.latent!.epochs.length - 1];
  const baseAu = base0 === null ? null : at(trials.find((t) => t.number === base0)!).activeUnits;
  const rows: Row[] = trials
    .filter((t) => at(t).activeUnits !== null)
    .map((t) => {
      const au = at(t).activeUnits!;
      const vs = baseAu === null ? 'trial' : t.number === base0 ? 'no remedy' : au > baseAu ? 'more than no remedy' : au === baseAu ? 'as many as no remedy' : 'fewer than no remedy';
      const mi = at(t).mutualInfo;
      const text = `${au} of ${t.latent!.dims}` + (mi === null ? '' : ` · I(x;z) ${mi.toFixed(2)} nats`);
      return { trial: t.number, label: latentLabel(t), au, dims: t.latent!.dims, text, mi, epoch: at(t).epoch, state: t.state, vs };
    });
  if (!rows.length) return undefined;
  const dims = Math.max(...trials.map((t) => t.latent!.dims));
  const sameDims = trials.every((t) => t.latent!.dims === dims);
  const y = { field: 'label', type: 'nominal', title: null, sort: { field: 'trial', order: 'ascending' }, axis: { labelLimit: 460, labelFontSize: 11.5 } };
  const x = { field: 'au', type: 'quantitative', title: sameDims ? `active units at the last epoch (of ${dims} dimensions)` : 'active units at the last epoch', scale: { domain: [0, dims], nice: false }, axis: { tickMinStep: 1, format: 'd' } };
  const color =
    baseAu === null
      ? { value: '#4c78a8' }
      : {
          field: 'vs',
          type: 'nominal',
          title: null,
          scale: { domain: ['no remedy', 'more than no remedy', 'as many as no remedy', 'fewer than no remedy'], range: ['#9e9e9e', '#2ca02c', '#9ecae9', '#d62728'] },
          legend: { orient: 'bottom', direction: 'horizontal' },
        };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y,
        x,
        color,
        tooltip: [
          { field: 'trial', type: 'quantitative' },
          { field: 'label', type: 'nominal', title: 'parameters' },
          { field: 'au', type: 'quantitative', title: 'active units' },
          { field: 'mi', type: 'quantitative', title: 'I(x;z) nats', format: '.3f' },
          { field: 'epoch', type: 'quantitative', title: 'at epoch' },
          { field: 'state', type: 'nominal' },
        ],
      },
    },
    { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#222' }, encoding: { y, x, text: { field: 'text', type: 'nominal' } } },
  ];
  if (baseAu !== null && baseAu !== undefined) {
    layers.push({
      data: { values: [{ au: baseAu }] },
      mark: { type: 'rule', color: '#555', strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x: { field: 'au', type: 'quantitative' } },
    });
  }
  const spec = base(undefined, { width: 360, height: { step: 22 }, data: { values: rows }, layer: layers });
  return { id: 'latent-summary', section: 'latent-summary', title: 'Active units at the last epoch, per trial', spec };
}

/** Every chart of a study's report, in page order. */
export function chartSpecs(d: ReportData): ChartSpec[] {
  const out: Array<ChartSpec | undefined> = [
    history(d),
    importance(d),
    ...d.params.map((p, i) => slice(d, p, i)),
    parallel(d),
    rateDistortion(d),
    latentBars(d),
    ...d.trials.filter((t) => t.latent).map((t) => latentTrial(d, t)),
    curves(d),
  ];
  return out.filter((c): c is ChartSpec => !!c);
}
