/**
 * The Parzen estimator of TPE: a weighted mixture with one component per observation (plus an
 * optional prior component), over one parameter (univariate TPE) or several (multivariate TPE,
 * where a component is the product of per-parameter kernels).
 *
 * Numeric parameters use normals truncated to the parameter's range, in log space for log
 * distributions; stepped floats and ints are treated as discretised: the range is widened by half a
 * step on each side, draws are rounded to the grid, and the density of a grid point is the mass of
 * its rounding interval. Categorical parameters use, per component, a distribution that puts the
 * observation's choice above a smoothed uniform floor.
 */
import type { Distribution } from '../types';
import { effectiveHigh, roundToStep, stepOf, type CategoricalDistribution, type NumericDistribution } from './distributions';
import type { RandomStream } from './rng';
import { logGaussMass, truncnormLogPdf, truncnormPpf } from './truncnorm';
import { roundHalfEven, snapToStepNumpy } from './round';
import { numpyLog, numpySum, openblasInner } from './numpyStream';

const EPS = 1e-12;
/** Scott's-rule factor for the multivariate bandwidth (as in BOHB / Optuna). */
const SIGMA0_MAGNITUDE = 0.2;

export interface ParzenOptions {
  /** Add a wide component centred on the range (uniform for categoricals). */
  considerPrior: boolean;
  priorWeight: number;
  /** Floor on bandwidths: (high − low) / min(100, 1 + components). */
  considerMagicClip: boolean;
  /** Let the outermost observations' bandwidths reach to the range's ends. */
  considerEndpoints: boolean;
  /** Weights of n observations in chronological order (oldest first). */
  weights: (n: number) => number[];
  multivariate: boolean;
  /**
   * Score continuous kernels with the normalised truncated-normal density. Optuna 3.1 (whose TPE
   * this follows) leaves out the 1/σ factor (optuna/optuna#5109, changed in Optuna 3.5), which
   * favours wide components in l(x)/g(x); false reproduces that, true is the textbook density.
   */
  normalizedKernels: boolean;
  /**
   * How the centres are ordered to find their neighbours; it decides which of several equal centres
   * sits next to the prior. Default: stable. The numpy stream passes numpy's argsort (Optuna's order).
   */
  argsort?: (values: number[]) => number[];
  /**
   * Compute as Optuna 3.1 does with numpy, where it decides a suggestion: stepped draws map back as
   * round((t − low)/step)·step + low with halves to even (leaving float noise such as
   * 0.15000000000000002 that Optuna's later sorting sees); sums are numpy's pairwise sums; a
   * categorical draw counts the cumulative probabilities below the uniform; and a lone categorical
   * parameter's density is numpy's inner product of the components' probabilities with the weights,
   * in OpenBLAS's order, so choices with mathematically equal scores tie (or not) as in Optuna and
   * argmax picks the same one. Default: snap to the grid cleanly, plain sums and log-sum-exp.
   */
  numpy?: boolean;
}

/**
 * Optuna's default_weights: all ones up to 25 observations; beyond that the 25 most recent keep
 * weight 1 and older ones ramp linearly from 1/n up towards 1.
 */
export function defaultWeights(n: number): number[] {
  if (n <= 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const nRamp = n - 25;
  const ramp: number[] = [];
  const start = 1 / n;
  for (let i = 0; i < nRamp; i++) ramp.push(nRamp === 1 ? start : start + ((1 - start) * i) / (nRamp - 1));
  return ramp.concat(new Array<number>(25).fill(1));
}

interface NumericKernel {
  kind: 'numeric';
  dist: NumericDistribution;
  /** Bounds in the estimator's space (log space for log distributions, widened by step/2 when stepped). */
  low: number;
  high: number;
  /** Grid step in the estimator's space for discretised kernels. */
  q?: number;
  mus: Float64Array;
  sigmas: Float64Array;
  /** log of each component's mass inside [low, high]. */
  logMass: Float64Array;
  /** Added to a continuous kernel's normalised log density: log σ (Optuna 3.1's scoring) or 0. */
  logDensityOffset: Float64Array;
}

interface CategoricalKernel {
  kind: 'categorical';
  dist: CategoricalDistribution;
  /** probs[component][choice] */
  probs: Float64Array[];
}

type Kernel = NumericKernel | CategoricalKernel;

export class ParzenEstimator {
  /** Normalised mixture weights, one per component (observations first, then the prior). */
  readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly kernels: Kernel[];
  private readonly numpy: boolean;

  /**
   * @param space the parameters, in a fixed order
   * @param observations observations[p][i]: internal value of parameter p in observation i
   *   (number, or index of the choice), observations in the order their weights apply
   * @param observationWeights the observations' weights instead of `opts.weights(n)` (multi-objective
   *   TPE weighs the "below" group by hypervolume contribution)
   */
  constructor(
    space: ReadonlyArray<Distribution>,
    observations: ReadonlyArray<ReadonlyArray<number>>,
    opts: ParzenOptions,
    observationWeights?: ArrayLike<number>,
  ) {
    if (space.length === 0) throw new Error('ParzenEstimator: empty search space');
    const n = observations[0]?.length ?? 0;
    const considerPrior = opts.considerPrior || n === 0;
    this.numpy = !!opts.numpy;
    this.weights = mixtureWeights(n, considerPrior, opts, observationWeights);
    this.logWeights = this.weights.map(Math.log);
    this.kernels = space.map((dist, p) =>
      dist.type === 'categorical'
        ? categoricalKernel(dist, observations[p], considerPrior, opts.priorWeight, this.numpy)
        : numericKernel(dist, observations[p], considerPrior, opts, space.length),
    );
  }

  get nComponents(): number {
    return this.weights.length;
  }

  /** Draws `size` points; returns samples[p][i] in the internal representation (on the grid for stepped params). */
  sample(rng: RandomStream, size: number): number[][] {
    const active: number[] = [];
    for (let i = 0; i < size; i++) active.push(rng.weighted(this.weights));
    return this.kernels.map((k) => {
      const out: number[] = [];
      for (const c of active) {
        if (k.kind === 'categorical') {
          out.push(this.numpy ? cumulativeCount(k.probs[c], rng.uniform()) : rng.weighted(k.probs[c]));
        } else {
          const mu = k.mus[c];
          const sigma = k.sigmas[c];
          const z = truncnormPpf(rng.uniformOpen(), (k.low - mu) / sigma, (k.high - mu) / sigma);
          out.push(fromKernelSpace(k, z * sigma + mu, this.numpy));
        }
      }
      return out;
    });
  }

  /** log density (log probability for discrete parameters) of each sample, samples[p][i]. */
  logPdf(samples: ReadonlyArray<ReadonlyArray<number>>): Float64Array {
    const nSamples = samples[0]?.length ?? 0;
    const nComp = this.weights.length;
    const out = new Float64Array(nSamples);
    const lone = this.kernels.length === 1 ? this.kernels[0] : undefined;
    if (this.numpy && lone?.kind === 'categorical') {
      // Optuna's shortcut for a lone categorical: log(Σ_c w_c·p_c(x)) as one inner product.
      const logMix = openblasInner(lone.probs, this.weights).map(numpyLog);
      for (let i = 0; i < nSamples; i++) out[i] = logMix[samples[0][i]];
      return out;
    }
    const acc = new Float64Array(nComp);
    for (let i = 0; i < nSamples; i++) {
      acc.set(this.logWeights);
      this.kernels.forEach((k, p) => {
        const x = samples[p][i];
        if (k.kind === 'categorical') {
          for (let c = 0; c < nComp; c++) acc[c] += Math.log(k.probs[c][x]);
          return;
        }
        const t = k.dist.log ? (this.numpy ? numpyLog : Math.log)(x) : x;
        for (let c = 0; c < nComp; c++) {
          const mu = k.mus[c];
          const sigma = k.sigmas[c];
          if (k.q !== undefined) {
            const lo = Math.max(t - k.q / 2, k.low);
            const hi = Math.min(t + k.q / 2, k.high);
            acc[c] += logGaussMass((lo - mu) / sigma, (hi - mu) / sigma) - k.logMass[c];
          } else {
            acc[c] += truncnormLogPdf(t, mu, sigma, k.low, k.high, k.logMass[c]) + k.logDensityOffset[c];
          }
        }
      });
      let max = -Infinity;
      for (let c = 0; c < nComp; c++) if (acc[c] > max) max = acc[c];
      if (max === -Infinity) {
        out[i] = -Infinity;
        continue;
      }
      let s = 0;
      for (let c = 0; c < nComp; c++) s += Math.exp(acc[c] - max);
      out[i] = max + Math.log(s);
    }
    return out;
  }
}

function mixtureWeights(n: number, considerPrior: boolean, opts: ParzenOptions, given?: ArrayLike<number>): Float64Array {
  let w: number[] = [];
  if (given !== undefined) {
    if (given.length !== n) throw new Error(`ParzenEstimator: ${given.length} weights for ${n} observations`);
    w = Array.from(given);
    if (w.some((x) => !Number.isFinite(x) || x < 0)) throw new Error('ParzenEstimator: observation weights must be finite and non-negative');
  } else if (n > 0) {
    const raw = opts.weights(n);
    if (!Array.isArray(raw) || raw.length < n) throw new Error(`TPE weights(${n}) must return an array of at least ${n} numbers`);
    w = raw.slice(0, n);
    if (w.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new Error(`TPE weights(${n}) returned a non-finite value`);
    if (w.some((x) => x < 0)) throw new Error(`TPE weights(${n}) returned a negative value`);
    if (w.reduce((a, b) => a + b, 0) <= 0) throw new Error(`TPE weights(${n}) returned all zeros`);
  }
  if (considerPrior) w.push(opts.priorWeight);
  const total = opts.numpy ? numpySum(w) : w.reduce((a, b) => a + b, 0);
  return Float64Array.from(w, (x) => x / total);
}

/** Bounds and grid step of a numeric distribution in the estimator's space. */
function kernelBounds(dist: NumericDistribution, ln: (x: number) => number): { low: number; high: number; q?: number } {
  if (dist.log) {
    return dist.type === 'int' ? { low: ln(dist.low - 0.5), high: ln(dist.high + 0.5) } : { low: ln(dist.low), high: ln(dist.high) };
  }
  const q = stepOf(dist);
  if (q === undefined) return { low: dist.low, high: dist.high };
  return { low: dist.low - q / 2, high: effectiveHigh(dist) + q / 2, q };
}

/** Maps a draw in the estimator's space back to a value of the distribution. */
function fromKernelSpace(k: NumericKernel, t: number, numpy = false): number {
  const d = k.dist;
  if (d.log) {
    const v = d.type === 'int' ? (numpy ? roundHalfEven : Math.round)(Math.exp(t)) : Math.exp(t);
    return Math.min(Math.max(v, d.low), d.high);
  }
  if (k.q !== undefined && numpy) return snapToStepNumpy(t, d.low, effectiveHigh(d), k.q);
  if (k.q !== undefined) return roundToStep(t, d.low, d.high, k.q);
  return Math.min(Math.max(t, d.low), d.high);
}

function numericKernel(
  dist: NumericDistribution,
  observed: ReadonlyArray<number>,
  considerPrior: boolean,
  opts: ParzenOptions,
  nParams: number,
): NumericKernel {
  // Log space as numpy computes it when reproducing Optuna (its log differs from Math.log in the last bit).
  const ln = opts.numpy ? numpyLog : Math.log;
  const { low, high, q } = kernelBounds(dist, ln);
  const n = observed.length;
  const mus = Array.from(observed, (x) => (dist.log ? ln(x) : x));
  if (considerPrior) mus.push(0.5 * (low + high));
  const m = mus.length;
  const range = high - low;

  let sigmas: number[];
  if (opts.multivariate) {
    // Scott's rule, shared by every component.
    const s0 = SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (nParams + 4)) * range;
    sigmas = new Array<number>(m).fill(s0);
  } else {
    // Each component's bandwidth is the larger gap to its neighbours among the sorted centres
    // (the range's ends act as neighbours of the outermost ones).
    const order = opts.argsort ? opts.argsort(mus) : mus.map((_, i) => i).sort((a, b) => mus[a] - mus[b] || a - b);
    const pts = [low, ...order.map((i) => mus[i]), high];
    const sorted = order.map((_, j) => Math.max(pts[j + 1] - pts[j], pts[j + 2] - pts[j + 1]));
    if (!opts.considerEndpoints && pts.length >= 4) {
      // Ignore the ends: the outermost components use the gap to their inner neighbour only.
      sorted[0] = pts[2] - pts[1];
      sorted[m - 1] = pts[m] - pts[m - 1];
    }
    sigmas = new Array<number>(m);
    order.forEach((i, j) => (sigmas[i] = sorted[j]));
  }

  const maxSigma = range;
  const minSigma = opts.considerMagicClip ? range / Math.min(100, 1 + m) : EPS;
  sigmas = sigmas.map((s) => Math.min(Math.max(s, minSigma), maxSigma));
  if (considerPrior) sigmas[m - 1] = range;

  const logMass = Float64Array.from(mus, (mu, i) => logGaussMass((low - mu) / sigmas[i], (high - mu) / sigmas[i]));
  const logDensityOffset = Float64Array.from(sigmas, (s) => (opts.normalizedKernels ? 0 : Math.log(s)));
  return { kind: 'numeric', dist, low, high, q, mus: Float64Array.from(mus), sigmas: Float64Array.from(sigmas), logMass, logDensityOffset };
}

function categoricalKernel(
  dist: CategoricalDistribution,
  observed: ReadonlyArray<number>,
  considerPrior: boolean,
  priorWeight: number,
  numpy: boolean,
): CategoricalKernel {
  const k = dist.choices.length;
  const n = observed.length;
  const floor = considerPrior ? priorWeight / (n + 1) : priorWeight / n;
  const probs: Float64Array[] = [];
  const rows = considerPrior ? n + 1 : n;
  for (let r = 0; r < rows; r++) {
    const row = new Float64Array(k).fill(floor);
    if (r < n) row[observed[r]] += 1;
    const total = numpy ? numpySum(row) : row.reduce((a, b) => a + b, 0);
    probs.push(row.map((x) => x / total));
  }
  return { kind: 'categorical', dist, probs };
}

/**
 * Optuna's categorical draw: the number of cumulative probabilities (summed in order, not
 * renormalised) below u; a u above a total that fell short of 1 by rounding takes the last choice.
 */
function cumulativeCount(probs: ArrayLike<number>, u: number): number {
  let c = 0;
  let count = 0;
  for (let i = 0; i < probs.length; i++) if ((c += probs[i]) < u) count++;
  return Math.min(count, probs.length - 1);
}
