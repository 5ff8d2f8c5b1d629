/**
 * Fitting the kernel's hyperparameters: maximise the log marginal likelihood of the (standardised)
 * observations plus log priors that keep the fit well behaved with few points, over
 * θ = (log ρ_1 … log ρ_D, log s², log σ²) with the box-constrained quasi-Newton of lbfgsb.ts.
 *
 * The priors: on each length scale ℓ = ρ^(−1/2), the dimension-scaled log-normal of BoTorch
 * (Hvarfner et al., "Vanilla Bayesian optimization performs great in high dimensions", ICML 2024),
 * log ℓ ~ N(√2 + ½ log D, 3), whose longer length scales in more dimensions keep the GP from
 * treating every point as unrelated; on the signal variance a Gamma(2, 1) and on the noise variance
 * a Gamma(1.1, 30), at least 1e-6, as Optuna's GPSampler.
 *
 *   log p(y | θ) = −½ yᵀK⁻¹y − ½ log det K − n/2 log 2π,   K = s² M(ρ) + σ² I,
 *   ∂/∂θ_j log p = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j),  α = K⁻¹y.
 */
import { cholesky, choleskyInverse, choleskySolve, logDet, NotPositiveDefinite } from './linalg';
import { kernelMatrix, matern52DerivR2, scaledSqDist, type KernelParams } from './kernel';
import { minimizeBox } from './lbfgsb';

export const MIN_NOISE = 1e-6;
const LOG_2PI = Math.log(2 * Math.PI);

/** θ (log-parameters) → kernel parameters. */
export function fromLog(theta: ArrayLike<number>): KernelParams {
  const D = theta.length - 2;
  const rho = new Float64Array(D);
  for (let d = 0; d < D; d++) rho[d] = Math.exp(theta[d]);
  return { rho, signal: Math.exp(theta[D]), noise: Math.exp(theta[D + 1]) };
}

/** Kernel parameters → θ. */
export function toLog(p: KernelParams): Float64Array {
  const D = p.rho.length;
  const theta = new Float64Array(D + 2);
  for (let d = 0; d < D; d++) theta[d] = Math.log(p.rho[d]);
  theta[D] = Math.log(p.signal);
  theta[D + 1] = Math.log(p.noise);
  return theta;
}

/** The log marginal likelihood and its gradient with respect to θ. */
export function logMarginalLikelihood(
  X: Float64Array[],
  y: ArrayLike<number>,
  p: KernelParams,
  categorical: ArrayLike<boolean>,
): { value: number; grad: Float64Array } {
  const n = X.length;
  const D = p.rho.length;
  const K = kernelMatrix(X, p, categorical);
  for (let i = 0; i < n; i++) K[i * n + i] += p.noise;
  const c = cholesky(K, n);
  const alpha = choleskySolve(c, y);
  let yAlpha = 0;
  for (let i = 0; i < n; i++) yAlpha += y[i] * alpha[i];
  const value = -0.5 * yAlpha - 0.5 * logDet(c) - 0.5 * n * LOG_2PI;
  // W = ααᵀ − K⁻¹; ∂/∂θ_j = ½ Σ W_ij ∂K_ij/∂θ_j.
  const Kinv = choleskyInverse(c);
  const grad = new Float64Array(D + 2);
  let traceSignal = 0;
  let traceNoise = 0;
  for (let i = 0; i < n; i++) {
    const wii = alpha[i] * alpha[i] - Kinv[i * n + i];
    traceNoise += wii;
    traceSignal += wii * p.signal;
    for (let j = 0; j < i; j++) {
      const w = 2 * (alpha[i] * alpha[j] - Kinv[i * n + j]); // both (i, j) and (j, i)
      const r2 = scaledSqDist(X[i], X[j], p.rho, categorical);
      const kij = K[i * n + j];
      traceSignal += w * kij;
      const m = w * p.signal * matern52DerivR2(r2);
      if (m === 0) continue;
      const xi = X[i];
      const xj = X[j];
      for (let d = 0; d < D; d++) {
        let delta2: number;
        if (categorical[d]) delta2 = xi[d] !== xj[d] ? 1 : 0;
        else {
          const t = xi[d] - xj[d];
          delta2 = t * t;
        }
        grad[d] += m * p.rho[d] * delta2;
      }
    }
  }
  for (let d = 0; d < D; d++) grad[d] *= 0.5;
  grad[D] = 0.5 * traceSignal;
  grad[D + 1] = 0.5 * traceNoise * p.noise;
  return { value, grad };
}

/** The log prior of the parameters and its gradient with respect to θ. */
export function logPrior(p: KernelParams): { value: number; grad: Float64Array } {
  const D = p.rho.length;
  const grad = new Float64Array(D + 2);
  let value = 0;
  // Log-normal density of ℓ up to a constant: −log ℓ − (log ℓ − μ)²/(2σ²), with log ℓ = −θ/2.
  const mu = Math.SQRT2 + 0.5 * Math.log(D);
  const sigma2 = 3;
  for (let d = 0; d < D; d++) {
    const logL = -0.5 * Math.log(p.rho[d]);
    value += -logL - (logL - mu) ** 2 / (2 * sigma2);
    grad[d] = -0.5 * (-1 - (logL - mu) / sigma2);
  }
  // Gamma(k, rate) log density up to a constant: (k − 1) log x − rate·x; d/dlog x = (k − 1) − rate·x.
  value += Math.log(p.signal) - p.signal;
  grad[D] = 1 - p.signal;
  value += 0.1 * Math.log(p.noise) - 30 * p.noise;
  grad[D + 1] = 0.1 - 30 * p.noise;
  return { value, grad };
}

export interface FitOptions {
  /** Starting points besides the defaults (e.g. the previous fit). */
  starts?: KernelParams[];
  maxIter?: number;
  /** Hold the noise variance at this value instead of fitting it. */
  fixedNoise?: number;
}

/** Bounds of θ: length scales from 0.01 to 30 (ρ 1/900 to 1e4), s² from 1e-3 to 1e3, σ² from MIN_NOISE to 1. */
function bounds(D: number): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(D + 2);
  const upper = new Float64Array(D + 2);
  for (let d = 0; d < D; d++) {
    lower[d] = Math.log(1 / 900);
    upper[d] = Math.log(1e4);
  }
  lower[D] = Math.log(1e-3);
  upper[D] = Math.log(1e3);
  lower[D + 1] = Math.log(MIN_NOISE);
  upper[D + 1] = 0;
  return { lower, upper };
}

/**
 * The hyperparameters maximising log p(y | θ) + log p(θ), from a few deterministic starting points
 * (length scale 1 with little noise, length scale 1/3, and any `starts`): the best one wins.
 */
export function fitKernelParams(X: Float64Array[], y: ArrayLike<number>, categorical: ArrayLike<boolean>, o: FitOptions = {}): KernelParams {
  const D = X[0]?.length ?? 0;
  const { lower, upper } = bounds(D);
  if (o.fixedNoise !== undefined) lower[D + 1] = upper[D + 1] = Math.log(o.fixedNoise);
  const objective = (theta: Float64Array) => {
    const p = fromLog(theta);
    try {
      const l = logMarginalLikelihood(X, y, p, categorical);
      const pr = logPrior(p);
      const g = new Float64Array(D + 2);
      for (let i = 0; i < D + 2; i++) g[i] = -(l.grad[i] + pr.grad[i]);
      return { f: -(l.value + pr.value), g };
    } catch (e) {
      if (e instanceof NotPositiveDefinite) return { f: Infinity, g: new Float64Array(D + 2) };
      throw e;
    }
  };
  const constant = (rho: number, noise: number): KernelParams => ({ rho: new Float64Array(D).fill(rho), signal: 1, noise: o.fixedNoise ?? noise });
  const starts = [constant(1, 1e-3), constant(9, 1e-4), ...(o.starts ?? []).filter((s) => s.rho.length === D)];
  let best: { x: Float64Array; f: number } | undefined;
  for (const s of starts) {
    const r = minimizeBox(objective, toLog(s), { lower, upper, maxIter: o.maxIter ?? 200, gtol: 1e-5 });
    if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = r;
  }
  if (!best) return constant(1, 1e-2);
  return fromLog(best.x);
}
