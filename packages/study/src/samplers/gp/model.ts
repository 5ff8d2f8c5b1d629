/**
 * A Gaussian process conditioned on observations: the posterior mean and variance of the latent
 * function at a point, and their gradients with respect to the point's numeric inputs.
 *
 *   μ(x) = k(x)ᵀ α,   α = (K + σ²I)⁻¹ y,
 *   v(x) = s² − k(x)ᵀ (K + σ²I)⁻¹ k(x).
 */
import { cholesky, choleskySolve, solveLower, solveUpperT, type Cholesky } from './linalg';
import { crossCovariance, kernelMatrix, type KernelParams } from './kernel';

export interface Prediction {
  mean: number;
  variance: number;
  /** ∂μ/∂x_d (with `grad`). */
  dMean?: Float64Array;
  /** ∂v/∂x_d (with `grad`). */
  dVar?: Float64Array;
}

export class GaussianProcess {
  readonly chol: Cholesky;
  readonly alpha: Float64Array;

  constructor(
    readonly X: Float64Array[],
    readonly y: Float64Array,
    readonly params: KernelParams,
    readonly categorical: boolean[],
  ) {
    const n = X.length;
    const K = kernelMatrix(X, params, categorical);
    for (let i = 0; i < n; i++) K[i * n + i] += params.noise;
    this.chol = cholesky(K, n);
    this.alpha = choleskySolve(this.chol, y);
  }

  predict(x: ArrayLike<number>, grad = false): Prediction {
    const n = this.X.length;
    const D = this.params.rho.length;
    const { k, dk } = crossCovariance(x, this.X, this.params, this.categorical, grad);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += k[i] * this.alpha[i];
    const w = solveLower(this.chol.L, n, k);
    let kk = 0;
    for (let i = 0; i < n; i++) kk += w[i] * w[i];
    const variance = Math.max(this.params.signal - kk, 0);
    if (!grad || !dk) return { mean, variance };
    // ∂v/∂x = −2 ((K + σ²I)⁻¹ k)ᵀ ∂k/∂x.
    const q = solveUpperT(this.chol.L, n, w);
    const dMean = new Float64Array(D);
    const dVar = new Float64Array(D);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < D; d++) {
        const g = dk[i * D + d];
        dMean[d] += this.alpha[i] * g;
        dVar[d] -= 2 * q[i] * g;
      }
    }
    return { mean, variance, dMean, dVar };
  }
}
