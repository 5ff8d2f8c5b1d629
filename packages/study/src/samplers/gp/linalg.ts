/**
 * The dense linear algebra a Gaussian process needs, in Float64: a Cholesky factorisation that adds
 * jitter to the diagonal when the matrix is not numerically positive definite, and triangular
 * solves. Matrices are row-major Float64Arrays of n × n. For the tens to hundreds of trials of a
 * study, O(n³) is milliseconds, so no library is needed.
 */

/** The lower-triangular factor L (L Lᵀ = A + jitter·I) and the jitter that was needed. */
export interface Cholesky {
  n: number;
  /** Row-major n × n, zeros above the diagonal. */
  L: Float64Array;
  jitter: number;
}

/** Thrown when even the largest jitter leaves the matrix indefinite (NaN entries, for instance). */
export class NotPositiveDefinite extends Error {}

/** L with L Lᵀ = A, or undefined when a pivot is not positive. */
function tryCholesky(A: Float64Array, n: number, jitter: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j] + (i === j ? jitter : 0);
      const ri = i * n;
      const rj = j * n;
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return L;
}

/**
 * Cholesky factor of the symmetric matrix A. When A is not positive definite in floating point,
 * retries with jitter 1e-10·mean(diag A), ×10 each time up to 1e-2·mean(diag A) (as GPyTorch does).
 */
export function cholesky(A: Float64Array, n: number): Cholesky {
  const L0 = tryCholesky(A, n, 0);
  if (L0) return { n, L: L0, jitter: 0 };
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += Math.abs(A[i * n + i]) / n;
  const scale = meanDiag > 0 && Number.isFinite(meanDiag) ? meanDiag : 1;
  for (let e = -10; e <= -2; e++) {
    const jitter = scale * 10 ** e;
    const L = tryCholesky(A, n, jitter);
    if (L) return { n, L, jitter };
  }
  throw new NotPositiveDefinite(`cholesky: the ${n}×${n} matrix is not positive definite, even with jitter ${scale * 1e-2}`);
}

/** Solves L x = b (forward substitution) for lower-triangular L. */
export function solveLower(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const r = i * n;
    for (let k = 0; k < i; k++) s -= L[r + k] * x[k];
    x[i] = s / L[r + i];
  }
  return x;
}

/** Solves Lᵀ x = b (back substitution) for lower-triangular L. */
export function solveUpperT(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** Solves A x = b given A's Cholesky factor. */
export function choleskySolve(c: Cholesky, b: ArrayLike<number>): Float64Array {
  return solveUpperT(c.L, c.n, solveLower(c.L, c.n, b));
}

/** A⁻¹ from A's Cholesky factor (symmetric, row-major). */
export function choleskyInverse(c: Cholesky): Float64Array {
  const { n, L } = c;
  // Linv = L⁻¹ (lower triangular), then A⁻¹ = Linvᵀ Linv.
  const Linv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    Linv[j * n + j] = 1 / L[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * n + k] * Linv[k * n + j];
      Linv[i * n + j] = s / L[i * n + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Linv[k * n + i] * Linv[k * n + j];
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}

/** log det A = 2 Σ log L_ii. */
export function logDet(c: Cholesky): number {
  let s = 0;
  for (let i = 0; i < c.n; i++) s += Math.log(c.L[i * c.n + i]);
  return 2 * s;
}
