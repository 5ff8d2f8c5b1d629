/**
 * The latent-usage section: posterior collapse made visible. For each trial, the KL divergence of
 * each latent dimension from the prior per epoch on the validation split, read from the trial's
 * metrics.json (as `vaekit train` writes it), with the active units and I(x;z); and a bar chart of
 * the active units at the last epoch against the no-remedy run of a collapse study.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FrozenTrial, ParamValue } from '@vaekit/study';
import type { ReportContext, ReportSection, SectionBlock } from '@vaekit/report';
import { ANOMALY_METRICS } from '../anomaly/section';
import { activeUnitsChart, LatentTrial } from './charts/active-units';
import { latentHeatmapChart } from './charts/latent-heatmap';
import { finite, trialMetrics } from './metrics';

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

/** What the section puts in the report data: the summary, and each shown trial's usage by trial number. */
export interface LatentSectionData extends LatentSummary {
  usage: Record<number, LatentUsage>;
}

const num = finite;
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


/** The latent usage of every trial (or why there is none), and the study-wide summary; null when no trial is a VAE trial (none has a folder or a KL). */
export function latentSummary(trials: FrozenTrial[]): { summary: LatentSummary; usage: Map<number, LatentUsage> } | null {
  const read = trials.map((t) => ({ t, ...readLatentUsage(t) }));
  const vae = trials.some((t) => typeof t.userAttrs.dir === 'string') || read.some((r) => r.latent || num(trialMetrics(r.t).metrics?.kl) !== undefined);
  if (!vae) return null;
  const shown = read.filter((r) => r.latent);
  const offs = shown.filter((r) => Object.keys(r.t.params).length > 0 && Object.values(r.t.params).every(isOff));
  let maxKl = 0;
  for (const r of shown) for (const e of r.latent!.epochs) for (const k of e.klPerDim) if (k > maxKl) maxKl = k;
  return {
    summary: {
      shown: shown.map((r) => r.t.number),
      missing: read.filter((r) => !r.latent).map((r) => ({ number: r.t.number, state: r.t.state, reason: r.note ?? 'no latent metrics' })),
      baseline: offs.length === 1 ? offs[0].t.number : null,
      maxKl,
    },
    usage: new Map(shown.map((r) => [r.t.number, r.latent!])),
  };
}

const NOTE =
  'Posterior collapse made visible: for each trial, the KL divergence of each latent dimension from the prior on the validation split, per epoch (one colour scale for every trial, in nats; a dark row is a dimension the encoder does not use). ' +
  'Under each heat map: the active units per epoch (dimensions whose posterior mean varies across inputs, Cov_x E[z_d|x] > 0.01; Burda et al. 2016) and the mutual information I(x;z) between inputs and code, when measured.';

const showParam = (v: ParamValue) => (typeof v === 'number' ? String(+v.toPrecision(5)) : v === null ? 'null' : String(v));

const CSS = `
.latent-summary h3, .latent-trial h3 { font-size: 13px; margin: 4px 0; font-weight: 600; }
.latent-trial h3 { max-width: 380px; overflow-wrap: anywhere; }
.latent-grid { gap: 14px 28px; }
.latent-summary { margin-bottom: 14px; }
ul.latent-missing { font-size: 12.5px; color: #555; margin: 2px 0; }
`;

function build(ctx: ReportContext) {
  const found = latentSummary(ctx.trials);
  if (!found) return null;
  const { summary, usage } = found;
  const shown: LatentTrial[] = ctx.rows.filter((r) => usage.has(r.number)).map((r) => ({ number: r.number, state: r.state, row: r, latent: usage.get(r.number)! }));
  const maxKl = summary.maxKl || 1;
  const bars = activeUnitsChart(shown, summary.baseline);
  const heat = shown.map((t) => latentHeatmapChart(t.row, t.latent, maxKl));
  const blocks: SectionBlock[] = [];
  if (bars) {
    const base = summary.baseline === null ? null : ctx.rows.find((r) => r.number === summary.baseline)!;
    blocks.push({
      type: 'group',
      className: 'latent-summary',
      blocks: [
        { type: 'heading', text: bars.title },
        {
          type: 'text',
          className: 'note',
          text: base
            ? 'The dashed rule is trial ' + base.number + ', whose searched parameters are all off (' + Object.keys(base.params).map((k) => k + '=' + showParam(base.params[k])).join(', ') +
              '): the no-remedy run. Green bars keep more dimensions in use than it does, light blue as many, red fewer. I(x;z) at the last epoch is printed beside each bar: with every dimension above the threshold, it (and the heat maps) still tell the runs apart.'
            : 'By trial number.',
        },
        { type: 'chart', chart: bars.id },
      ],
    });
  }
  blocks.push({ type: 'group', className: 'grid latent-grid', blocks: heat.map((c) => ({ type: 'group', className: 'latent-trial', blocks: [{ type: 'heading', text: c.title }, { type: 'chart', chart: c.id }] })) });
  if (!summary.shown.length) blocks.push({ type: 'text', className: 'empty', text: 'No trial has latent metrics per epoch yet.' });
  if (summary.missing.length) {
    blocks.push({ type: 'text', className: 'note', text: 'No heat map for ' + summary.missing.length + ' trial' + (summary.missing.length > 1 ? 's' : '') + ':' });
    blocks.push({ type: 'list', className: 'latent-missing', items: summary.missing.map((m) => 'trial ' + m.number + ' (' + m.state + '): ' + m.reason) });
  }
  const data: LatentSectionData = { ...summary, usage: Object.fromEntries(usage) };
  return { title: 'Latent usage', note: NOTE, charts: [...(bars ? [bars] : []), ...heat], blocks, data };
}

export const latentUsageSection: ReportSection = {
  id: 'latent',
  // An anomaly study's trials each train one model per normal class: no per-epoch latent metrics to draw.
  appliesTo: (ctx) => !ANOMALY_METRICS.includes(ctx.study.metric),
  build,
  css: CSS,
};
