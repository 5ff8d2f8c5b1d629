/**
 * What the report and the dashboard show about one study, as plain JSON: the trials, the
 * searched parameters, the importance, the Pareto front and the Vega-Lite specs of the charts.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Direction, Distribution, FrozenTrial, ParamValue, StudySummary } from '@vaekit/study';
import { IMPORTANCE_LIMITS, IMPORTANCE_METHOD, paramImportance, ParamImportance } from './importance';
import { paretoFront } from './pareto';
import { chartSpecs, ChartSpec } from './specs';

export const TRIAL_IMAGES = ['reconstructions', 'samples', 'traversals'] as const;
export type TrialImage = (typeof TRIAL_IMAGES)[number];

export interface StudyInfo {
  name: string;
  direction: Direction;
  attrs: Record<string, unknown>;
  /** Where the study is stored, for the header. */
  storage?: string;
}

export interface ReportMetrics {
  negElbo?: number;
  recon?: number;
  kl?: number;
  activeUnits?: number;
  mutualInfo?: number;
  iwaeNll?: number;
  /** Anomaly studies: mean ROC-AUC and PR-AUC over the normal classes. */
  rocAuc?: number;
  prAuc?: number;
}

export interface ReportTrial {
  number: number;
  state: string;
  value: number | null;
  params: Record<string, ParamValue>;
  /** [step, value] pairs reported with trial.report, by step. */
  curve: Array<[number, number]>;
  /** The metrics of the split the objective was measured on (validation, else test). */
  metrics: ReportMetrics | null;
  split: string | null;
  seconds: number | null;
  error: string | null;
  /** The trial's pictures (data: URIs in a report file, URLs on the dashboard); best trials only. */
  images?: Partial<Record<TrialImage, string>>;
  /** Which pictures were looked for but not found. */
  missingImages?: string[];
  /** KL per latent dimension, active units and I(x;z) per epoch on validation, from the trial's metrics.json; null when there are none. */
  latent: LatentUsage | null;
  /** Why `latent` is null (no trial folder, no metrics.json, no validation metrics per epoch). */
  latentNote?: string;
}

/** One epoch of a trial's latent usage, measured on the validation split. */
export interface LatentEpoch {
  epoch: number;
  /** KL(q(z_d|x) ‖ p(z_d)) per latent dimension d, in nats (4 significant digits). */
  klPerDim: number[];
  activeUnits: number | null;
  /** I(x; z) in nats, when measured. */
  mutualInfo: number | null;
}

export interface LatentUsage {
  /** The number of latent dimensions (the longest klPerDim). */
  dims: number;
  /** By epoch. */
  epochs: LatentEpoch[];
}

/** The study-wide facts of the latent-usage section; null when no trial is a VAE trial (none has a folder or a KL). */
export interface LatentSummary {
  /** Trials with a heat map, by number. */
  shown: number[];
  /** The other trials, by number, with the reason. */
  missing: Array<{ number: number; state: string; reason: string }>;
  /** The trial whose searched parameters are all off (0, false, none, constant, off): the no-remedy run; null when not exactly one. */
  baseline: number | null;
  /** The largest KL per dimension over all trials and epochs (the heat maps share one colour scale). */
  maxKl: number;
}

export interface ReportParam {
  name: string;
  type: 'float' | 'int' | 'categorical';
  log: boolean;
  choices?: ParamValue[];
}

export interface ReportData {
  study: { name: string; direction: Direction; metric: string; config: string | null; storage: string | null };
  generatedAt: string;
  counts: Record<string, number>;
  params: ReportParam[];
  trials: ReportTrial[];
  /** Numbers of the best COMPLETE trials, best first (at most 3). */
  best: number[];
  importance: { method: string; limits: string; items: ParamImportance[]; trials: number };
  /** Trial numbers on the rate–distortion Pareto front, by rate; null when the trials have no recon/kl. */
  pareto: number[] | null;
  latent: LatentSummary | null;
  charts: ChartSpec[];
}

/** How a trial's picture is referenced: a data: URI (report file) or a URL (dashboard); undefined when missing. */
export type ImageRef = (t: FrozenTrial, image: TrialImage) => string | undefined;

/** Reads a trial's PNG from its folder (user attr `dir`) as a data: URI. */
export const dataUriImages: ImageRef = (t, image) => {
  const dir = t.userAttrs.dir;
  if (typeof dir !== 'string') return undefined;
  const file = path.join(dir, `${image}.png`);
  try {
    return 'data:image/png;base64,' + fs.readFileSync(file).toString('base64');
  } catch {
    return undefined;
  }
};

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const round4 = (v: number) => +v.toPrecision(4);

/**
 * The latent usage in a trial's metrics.json (as `vaekit train` writes it): each epoch's
 * `validation.klPerDim`, `validation.activeUnits` and `validation.mutualInfo`. Epochs without
 * validation metrics are skipped; null when no epoch has a KL per dimension.
 */
export function latentUsage(metricsJson: unknown): LatentUsage | null {
  const epochs = (metricsJson as { epochs?: unknown } | null)?.epochs;
  if (!Array.isArray(epochs)) return null;
  const out: LatentEpoch[] = [];
  epochs.forEach((e, i) => {
    const v = (e as { validation?: Record<string, unknown> } | null)?.validation;
    if (!v || typeof v !== 'object' || !Array.isArray(v.klPerDim) || !v.klPerDim.length) return;
    const kl = (v.klPerDim as unknown[]).map((x) => num(x));
    if (kl.some((x) => x === undefined)) return;
    const au = num(v.activeUnits);
    const mi = num(v.mutualInfo);
    out.push({
      epoch: num((e as { epoch?: unknown }).epoch) ?? i + 1,
      klPerDim: (kl as number[]).map(round4),
      activeUnits: au ?? null,
      mutualInfo: mi === undefined ? null : round4(mi),
    });
  });
  if (!out.length) return null;
  out.sort((a, b) => a.epoch - b.epoch);
  return { dims: Math.max(...out.map((e) => e.klPerDim.length)), epochs: out };
}

/** metrics.json files already read, by path, kept while their size and mtime do not change (the dashboard rebuilds the data every second). */
const latentCache = new Map<string, { mtimeMs: number; size: number; usage: LatentUsage | null; note?: string }>();

/** A trial's latent usage, read from metrics.json in its folder (user attr `dir`), or the reason there is none. */
export function readLatentUsage(t: FrozenTrial): { latent: LatentUsage | null; note?: string } {
  const dir = t.userAttrs.dir;
  if (typeof dir !== 'string') {
    return { latent: null, note: t.state === 'RUNNING' || t.state === 'WAITING' ? 'still running: its folder is recorded when it finishes' : 'no trial folder recorded' };
  }
  const file = path.join(dir, 'metrics.json');
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return { latent: null, note: 'no metrics.json in its folder' };
  }
  const hit = latentCache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return { latent: hit.usage, note: hit.note };
  let usage: LatentUsage | null;
  let note: string | undefined;
  try {
    usage = latentUsage(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!usage) note = 'no validation metrics per epoch (KL per dimension) in its metrics.json';
  } catch (e) {
    // Being rewritten, or damaged: keep what was read before, if anything.
    if (hit) return { latent: hit.usage, note: hit.note };
    return { latent: null, note: `metrics.json unreadable (${(e as Error).message})` };
  }
  if (latentCache.size > 5000) latentCache.clear();
  latentCache.set(file, { mtimeMs: st.mtimeMs, size: st.size, usage, note });
  return { latent: usage, note };
}

const OFF = /^(none|constant|off|no|false|0)$/i;
/** Whether a searched value means "no remedy": 0, false, or none / constant / off. */
const isOff = (v: ParamValue) => v === 0 || v === false || (typeof v === 'string' && OFF.test(v.trim()));

function latentSummary(rows: ReportTrial[], trials: FrozenTrial[]): LatentSummary | null {
  const vae = trials.some((t) => typeof t.userAttrs.dir === 'string') || rows.some((r) => r.latent || (r.metrics && num(r.metrics.kl) !== undefined));
  if (!vae) return null;
  const shown = rows.filter((r) => r.latent);
  const offs = shown.filter((r) => Object.keys(r.params).length > 0 && Object.values(r.params).every(isOff));
  let maxKl = 0;
  for (const r of shown) for (const e of r.latent!.epochs) for (const k of e.klPerDim) if (k > maxKl) maxKl = k;
  return {
    shown: shown.map((r) => r.number),
    missing: rows.filter((r) => !r.latent).map((r) => ({ number: r.number, state: r.state, reason: r.latentNote ?? 'no latent metrics' })),
    baseline: offs.length === 1 ? offs[0].number : null,
    maxKl,
  };
}

function metricsOf(t: FrozenTrial): { metrics: ReportMetrics | null; split: string | null } {
  const m = t.userAttrs.metrics as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') return { metrics: null, split: null };
  const split = typeof m.split === 'string' ? m.split : m.validation ? 'validation' : 'test';
  const src = (m[split] ?? m.validation ?? m.test) as Record<string, unknown> | undefined;
  if (!src || typeof src !== 'object') return { metrics: null, split: null };
  const out: ReportMetrics = {};
  for (const k of ['negElbo', 'recon', 'kl', 'activeUnits', 'mutualInfo', 'iwaeNll', 'rocAuc', 'prAuc'] as const) {
    const v = num(src[k]);
    if (v !== undefined) out[k] = v;
  }
  return { metrics: out, split };
}

function paramsOf(trials: FrozenTrial[]): ReportParam[] {
  const dists = new Map<string, Distribution | undefined>();
  for (const t of trials) for (const k of Object.keys(t.params)) if (!dists.get(k)) dists.set(k, t.distributions[k]);
  return [...dists.entries()].map(([name, d]) => {
    if (d && d.type === 'categorical') return { name, type: 'categorical', log: false, choices: d.choices };
    if (d) return { name, type: d.type, log: !!d.log };
    const values = trials.map((t) => t.params[name]).filter((v) => v !== undefined);
    if (values.every((v) => typeof v === 'number')) return { name, type: 'float', log: false };
    return { name, type: 'categorical', log: false, choices: [...new Set(values)] };
  });
}

const better = (d: Direction) => (a: number, b: number) => (d === 'minimize' ? a - b : b - a);

/** Builds the report data of a study from its trials. */
export function buildReportData(study: StudyInfo, trials: FrozenTrial[], images: ImageRef = dataUriImages): ReportData {
  const sorted = [...trials].sort((a, b) => a.number - b.number);
  const metric = typeof study.attrs.metric === 'string' ? study.attrs.metric : 'value';
  const complete = sorted.filter((t) => t.state === 'COMPLETE' && num(t.value) !== undefined);
  const best = [...complete].sort((a, b) => better(study.direction)(a.value!, b.value!) || a.number - b.number).slice(0, 3).map((t) => t.number);
  const counts: Record<string, number> = { COMPLETE: 0, PRUNED: 0, FAIL: 0, RUNNING: 0, WAITING: 0 };
  for (const t of sorted) counts[t.state] = (counts[t.state] ?? 0) + 1;

  const rows: ReportTrial[] = sorted.map((t) => {
    const { metrics, split } = metricsOf(t);
    const row: ReportTrial = {
      number: t.number,
      state: t.state,
      value: num(t.value) ?? null,
      params: t.params,
      curve: Object.entries(t.intermediate)
        .map(([s, v]) => [Number(s), v] as [number, number])
        .filter(([, v]) => Number.isFinite(v))
        .sort((a, b) => a[0] - b[0]),
      metrics,
      split,
      seconds: t.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : null,
      error: t.error ?? null,
      latent: null,
    };
    const lu = readLatentUsage(t);
    row.latent = lu.latent;
    if (lu.note) row.latentNote = lu.note;
    if (best.includes(t.number)) {
      row.images = {};
      row.missingImages = [];
      for (const im of TRIAL_IMAGES) {
        const ref = images(t, im);
        if (ref) row.images[im] = ref;
        else row.missingImages.push(`${im}.png`);
      }
    }
    return row;
  });

  const rd = rows
    .filter((r) => r.state === 'COMPLETE' && r.metrics && num(r.metrics.kl) !== undefined && num(r.metrics.recon) !== undefined)
    .map((r) => ({ id: r.number, rate: r.metrics!.kl!, distortion: r.metrics!.recon! }));
  const data: ReportData = {
    study: {
      name: study.name,
      direction: study.direction,
      metric,
      config: typeof study.attrs.config === 'string' ? study.attrs.config : null,
      storage: study.storage ?? null,
    },
    generatedAt: new Date().toISOString(),
    counts,
    params: paramsOf(sorted),
    trials: rows,
    best,
    importance: { method: IMPORTANCE_METHOD, limits: IMPORTANCE_LIMITS, items: paramImportance(sorted), trials: complete.length },
    pareto: rd.length ? paretoFront(rd).map((p) => p.id) : null,
    // An anomaly study's trials each train one model per normal class: no per-epoch latent metrics to draw.
    latent: ['rocAuc', 'prAuc'].includes(metric) ? null : latentSummary(rows, sorted), // TEMP: replaced by report sections
    charts: [],
  };
  data.charts = chartSpecs(data);
  return data;
}

/** The summary line of a study for the dashboard's index. */
export interface StudyListItem extends StudySummary {
  metric?: string;
}
