/**
 * What the report and the dashboard show about one study, as plain JSON: the trials, the
 * searched parameters, the importance, the Pareto front and the Vega-Lite specs of the charts.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Direction, Distribution, FrozenTrial, ParamValue, StudySummary } from '../study/types';
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

function metricsOf(t: FrozenTrial): { metrics: ReportMetrics | null; split: string | null } {
  const m = t.userAttrs.metrics as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') return { metrics: null, split: null };
  const split = typeof m.split === 'string' ? m.split : m.validation ? 'validation' : 'test';
  const src = (m[split] ?? m.validation ?? m.test) as Record<string, unknown> | undefined;
  if (!src || typeof src !== 'object') return { metrics: null, split: null };
  const out: ReportMetrics = {};
  for (const k of ['negElbo', 'recon', 'kl', 'activeUnits', 'mutualInfo', 'iwaeNll'] as const) {
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
    };
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
    charts: [],
  };
  data.charts = chartSpecs(data);
  return data;
}

/** The summary line of a study for the dashboard's index. */
export interface StudyListItem extends StudySummary {
  metric?: string;
}
