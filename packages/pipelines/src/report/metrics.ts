/**
 * The metrics a VAE trial records (user attribute `metrics`, as the search objective writes it:
 * one object per split and the split the objective was measured on), and the section that puts
 * them in the report's trials table.
 */
import type { FrozenTrial } from '@vaekit/study';
import type { ReportSection } from '@vaekit/report';

export interface TrialMetrics {
  negElbo?: number;
  recon?: number;
  kl?: number;
  activeUnits?: number;
  mutualInfo?: number;
  iwaeNll?: number;
  /** Text models: perplexity (from the IWAE bound when computed, else the ELBO). */
  ppl?: number;
  /** Anomaly studies: mean ROC-AUC and PR-AUC over the normal classes. */
  rocAuc?: number;
  prAuc?: number;
}

const KEYS = ['negElbo', 'recon', 'kl', 'activeUnits', 'mutualInfo', 'iwaeNll', 'ppl', 'rocAuc', 'prAuc'] as const;

export const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The metrics of the split the objective was measured on (validation, else test), and that split; nulls when the trial has none. */
export function trialMetrics(t: FrozenTrial): { metrics: TrialMetrics | null; split: string | null } {
  const m = t.userAttrs.metrics as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') return { metrics: null, split: null };
  const split = typeof m.split === 'string' ? m.split : m.validation ? 'validation' : 'test';
  const src = (m[split] ?? m.validation ?? m.test) as Record<string, unknown> | undefined;
  if (!src || typeof src !== 'object') return { metrics: null, split: null };
  const out: TrialMetrics = {};
  for (const k of KEYS) {
    const v = finite(src[k]);
    if (v !== undefined) out[k] = v;
  }
  return { metrics: out, split };
}

/** Columns of trial metrics, each left out when it is the study's objective (already the value column). */
export function metricColumns(columns: Array<[keyof TrialMetrics, string]>): ReportSection['columns'] {
  return (ctx) =>
    columns
      .filter(([key]) => key !== ctx.study.metric)
      .map(([key, label]) => ({ key, label, value: (t: FrozenTrial) => trialMetrics(t).metrics?.[key] }));
}

/** −ELBO, reconstruction, KL, active units and I(x;z) of each trial in the trials table. */
export const vaeMetricsSection: ReportSection = {
  id: 'vae-metrics',
  columns: metricColumns([
    ['negElbo', '\u2212ELBO'],
    ['recon', 'recon'],
    ['kl', 'KL'],
    ['activeUnits', 'active units'],
    ['mutualInfo', 'MI'],
    ['ppl', 'perplexity'],
  ]),
};
