/**
 * Parameter importance by the variance of the objective that each parameter explains on its own:
 * the trials are grouped by the parameter's value (each choice of a categorical, each value of a
 * grid, else quantile bins of a numeric parameter), and the between-group share of the objective's
 * variance is measured with the bias-corrected ε² (epsilon squared, Kelley 1935) of a one-way
 * analysis of variance:
 *
 *   ε² = (SS_between − (k − 1)·MS_within) / SS_total,   clipped at 0,
 *
 * k groups, MS_within = SS_within / (n − k). This is the first-order (main-effect) term of a
 * functional ANOVA estimated from binned means rather than from a random forest as fANOVA
 * (Hutter et al. 2014) does; its limits are stated in IMPORTANCE_LIMITS and shown in the report.
 */
import type { Distribution, FrozenTrial, ParamValue } from '@vaekit/study';
import type { ParamImportance } from './types';

export const IMPORTANCE_METHOD =
  'Share of the objective’s variance explained by each parameter on its own: the finished (COMPLETE) trials are grouped by the parameter’s value ' +
  '(numbers, grid points included, by distinct value when there are at most √n of them, else in √n quantile bins; other values by choice), and the bias-corrected ' +
  'ε² of a one-way analysis of variance is computed: ε² = (SS_between − (k−1)·MS_within) / SS_total, clipped at 0. ' +
  'It is the main-effect term of a functional ANOVA estimated from binned means.';

export const IMPORTANCE_LIMITS =
  'Limits: it measures main effects only — interactions between parameters, and effects that need another parameter set just so, are not seen; ' +
  'parameters the sampler moved together (TPE concentrates its samples) share credit for each other’s effects; binning a numeric parameter ' +
  'blurs effects narrower than a bin; a parameter split into k groups needs at least k + 2 finished trials (else it shows 0), and with fewer than about 10 the numbers are noisy (ε² corrects the upward bias of small groups, ' +
  'but not the variance); pruned and failed trials are left out; the values are not normalised, so they need not sum to 1 ' +
  '(the rest is interactions and noise). fANOVA (Hutter et al. 2014) on a random forest would capture interactions.';

function numeric(v: ParamValue, dist: Distribution | undefined): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  if (dist && dist.type !== 'categorical' && dist.log && v > 0) return Math.log(v);
  return v;
}

/**
 * The group index of each value: numeric values (also the numbers of a grid or a numeric
 * categorical) by distinct value when there are at most √n of them, else by quantile bins;
 * other values by choice.
 */
function groupsOf(values: ParamValue[], dist: Distribution | undefined): number[] {
  const n = values.length;
  const keys = values.map((v) => JSON.stringify(v));
  const distinct = [...new Set(keys)];
  const maxBins = Math.max(2, Math.min(10, Math.floor(Math.sqrt(n))));
  const ordered = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!ordered || distinct.length <= maxBins) return keys.map((k) => distinct.indexOf(k));
  // Quantile bins (in log space for a log parameter; the ranks are the same).
  const xs = values.map((v) => numeric(v, dist) ?? NaN);
  const order = xs.map((x, i) => i).sort((a, b) => xs[a] - xs[b]);
  const out = new Array<number>(n);
  let bin = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    // Equal values stay in one bin.
    if (r > 0 && xs[i] !== xs[order[r - 1]]) bin = Math.min(maxBins - 1, Math.floor((r * maxBins) / n));
    out[i] = bin;
  }
  return out;
}

/** ε² of `y` grouped by `g` (see the file comment). */
export function epsilonSquared(y: number[], g: number[]): number {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const sums = new Map<number, { s: number; c: number }>();
  y.forEach((v, i) => {
    const e = sums.get(g[i]) ?? { s: 0, c: 0 };
    e.s += v;
    e.c++;
    sums.set(g[i], e);
  });
  const k = sums.size;
  const total = y.reduce((a, v) => a + (v - mean) ** 2, 0);
  if (k < 2 || !(total > 0)) return 0;
  let between = 0;
  for (const { s, c } of sums.values()) between += c * (s / c - mean) ** 2;
  const within = total - between;
  if (n <= k) return 0;
  const e2 = (between - (k - 1) * (within / (n - k))) / total;
  return Math.min(1, Math.max(0, e2));
}

/**
 * The importance of each parameter for the objective, from the COMPLETE trials with a finite
 * value, most important first. Parameters with one value only, or too few trials for their groups, get 0 (estimable: false).
 */
export function paramImportance(trials: FrozenTrial[]): ParamImportance[] {
  const done = trials.filter((t) => t.state === 'COMPLETE' && typeof t.value === 'number' && Number.isFinite(t.value));
  const names = [...new Set(done.flatMap((t) => Object.keys(t.params)))];
  const out: ParamImportance[] = [];
  for (const param of names) {
    const having = done.filter((t) => param in t.params);
    const dist = having.map((t) => t.distributions[param]).find((d) => d);
    const y = having.map((t) => t.value!);
    const g = groupsOf(having.map((t) => t.params[param]), dist);
    const k = new Set(g).size;
    // Every trial in a group of its own would "explain" all the variance: require two spare degrees of freedom.
    const estimable = k >= 2 && having.length >= k + 2;
    out.push({ param, importance: estimable ? epsilonSquared(y, g) : 0, groups: k, n: having.length, estimable });
  }
  return out.sort((a, b) => b.importance - a.importance || a.param.localeCompare(b.param));
}
