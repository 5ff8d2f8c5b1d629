/**
 * The Matérn 5/2 kernel with automatic relevance determination (one length scale per input):
 *
 *   k(x, x') = s² (1 + √5 r + 5/3 r²) exp(−√5 r),   r² = Σ_d ρ_d δ_d(x, x')²,
 *
 * with ρ_d = 1/ℓ_d² the inverse squared length scales and s² the signal variance. For a numeric
 * input δ_d is the difference of the unit-interval positions; for a categorical input it is 0 for
 * the same choice and 1 otherwise (a Hamming distance), so choices are unordered. Discrete inputs
 * arrive already snapped to their grid (see space.ts), so points that round to the same value are
 * the same point to the kernel.
 */

export interface KernelParams {
  /** Inverse squared length scale per input. */
  rho: Float64Array;
  /** Signal variance s². */
  signal: number;
  /** Observation noise variance (added to the diagonal of the training covariance only). */
  noise: number;
}

const SQRT5 = Math.sqrt(5);

/** The Matérn 5/2 correlation as a function of r². */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/** d matern52 / d(r²) = −5/6 (1 + √5 r) exp(−√5 r): finite at r = 0. */
export function matern52DerivR2(r2: number): number {
  const r = Math.sqrt(r2);
  return (-5 / 6) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** r² between two points; `categorical[d]` marks Hamming inputs. */
export function scaledSqDist(a: ArrayLike<number>, b: ArrayLike<number>, rho: ArrayLike<number>, categorical: ArrayLike<boolean>): number {
  let s = 0;
  for (let d = 0; d < rho.length; d++) {
    if (categorical[d]) {
      if (a[d] !== b[d]) s += rho[d];
    } else {
      const t = a[d] - b[d];
      s += rho[d] * t * t;
    }
  }
  return s;
}

/** The n × n covariance s² matern52(r²(x_i, x_j)) of the training inputs, without noise (row-major). */
export function kernelMatrix(X: Float64Array[], p: KernelParams, categorical: ArrayLike<boolean>): Float64Array {
  const n = X.length;
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    K[i * n + i] = p.signal;
    for (let j = 0; j < i; j++) {
      const v = p.signal * matern52(scaledSqDist(X[i], X[j], p.rho, categorical));
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
}

/**
 * The covariances k(x, X_i) of a point with the training inputs, and, with `grad`, their
 * gradients with respect to x's numeric inputs: dk_i/dx_d = s² m'(r²) · 2 ρ_d (x_d − X_id), row-major
 * n × D (zero for categorical inputs, which are not differentiable).
 */
export function crossCovariance(
  x: ArrayLike<number>,
  X: Float64Array[],
  p: KernelParams,
  categorical: ArrayLike<boolean>,
  grad = false,
): { k: Float64Array; dk?: Float64Array } {
  const n = X.length;
  const D = p.rho.length;
  const k = new Float64Array(n);
  const dk = grad ? new Float64Array(n * D) : undefined;
  for (let i = 0; i < n; i++) {
    const r2 = scaledSqDist(x, X[i], p.rho, categorical);
    k[i] = p.signal * matern52(r2);
    if (dk) {
      const m = p.signal * matern52DerivR2(r2);
      for (let d = 0; d < D; d++) if (!categorical[d]) dk[i * D + d] = m * 2 * p.rho[d] * (x[d] - X[i][d]);
    }
  }
  return { k, dk };
}
