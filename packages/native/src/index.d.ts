/** The native kernels; every offset is a float index into `heap` (e.g. the wasm HEAPF32). */
export interface NativeKernels {
  /** C[M,N] = op(A)·op(B) (+ bias[N]); row-major with leading dimensions; biasOff < 0: no bias. */
  sgemm(
    heap: Float32Array, M: number, N: number, K: number,
    aOff: number, lda: number, transA: boolean,
    bOff: number, ldb: number, transB: boolean,
    cOff: number, ldc: number, biasOff: number,
  ): void;
  /**
   * One Adam step over n elements, as tf.train.adam computes it in float32; c1, c2 = 1 − β^t; the
   * gradient is first multiplied by gradScale in float32 (1: unchanged; gradient clipping).
   */
  adam(
    heap: Float32Array, n: number,
    xOff: number, mOff: number, vOff: number, gOff: number,
    xoOff: number, moOff: number, voOff: number,
    lr: number, beta1: number, beta2: number, epsilon: number, c1: number, c2: number, gradScale: number,
  ): void;
  /**
   * adam over several variables in one call, their values cut into chunks that the threads share:
   * vars holds 6 numbers per variable, [n, xOff, mOff, vOff, gOff, xoOff]; m and v are updated in
   * place and x' is written at xoOff. The same bits as one adam call per variable.
   */
  adamMany(
    heap: Float32Array, vars: Float64Array,
    lr: number, beta1: number, beta2: number, epsilon: number, c1: number, c2: number, gradScale: number,
  ): void;
  /** The sum of the squares of n floats, in double; the same bits on any number of threads. */
  sumSquares(heap: Float32Array, n: number, xOff: number): number;
  /** y = softplus(x) over n elements (tfjs thresholds; AVX2 exp/log, ~1e-7 relative error). */
  softplus(heap: Float32Array, n: number, xOff: number, yOff: number): void;
  /** y = a·b over n elements, or a·b[0] when scalar; y may be a or b. */
  mul(heap: Float32Array, n: number, aOff: number, bOff: number, yOff: number, scalar: boolean): void;
  /** y = a + b over n elements, or a + b[0] when scalar; y may be a or b. */
  add(heap: Float32Array, n: number, aOff: number, bOff: number, yOff: number, scalar: boolean): void;
  /**
   * The diagonal Gaussian posterior's element-wise steps over n values, float32 after every
   * operation (exp in double, then rounded), in the order of the tfjs ops they replace:
   *  - op 0, KL per value: y = 0.5·((a² + exp(b)) − (1 + b)), a = mean, b = logVar (c unused);
   *  - op 1, its gradient: y = c·a, y2 = c·(0.5·(exp(b) − 1)), c = dy;
   *  - op 2, reparameterization: y = a + exp(b·0.5)·c, c = eps;
   *  - op 3, its gradient for logVar: y = ((a·c)·exp(b·0.5))·0.5, a = dz, c = eps.
   * y2Off is read only for op 1.
   */
  gaussian(heap: Float32Array, op: 0 | 1 | 2 | 3, n: number, aOff: number, bOff: number, cOff: number, yOff: number, y2Off: number): void;
  /** y = max(x, 0) over n elements (NaN stays NaN); y may be x. */
  relu(heap: Float32Array, n: number, xOff: number, yOff: number): void;
  /**
   * The Bernoulli negative log-likelihood of rows of x [B, D] under logits l [B, D]:
   * nll[b] = Σ_d softplus(l) − x·l (terms in float32, summed in double).
   */
  bernoulliNll(heap: Float32Array, B: number, D: number, lOff: number, xOff: number, nllOff: number): void;
  /** Its gradient with respect to the logits: g[b, d] = dy[b] · (sigmoid(l[b, d]) − x[b, d]). */
  bernoulliNllGrad(heap: Float32Array, B: number, D: number, dyOff: number, lOff: number, xOff: number, gOff: number): void;
  /** g = dy · step(x) over n elements (relu's gradient as tfjs computes it: 1 above 0, 0 at or below, NaN for NaN). */
  reluGrad(heap: Float32Array, n: number, dyOff: number, xOff: number, gOff: number): void;
  /** Sums x viewed as [outer, inner] over its leading axis (y[inner], leading true) or trailing axis (y[outer]), in double. */
  sum(heap: Float32Array, outer: number, inner: number, xOff: number, yOff: number, leading: boolean): void;
  /**
   * NHWC Conv2D as im2col + SGEMM: y[B,OH,OW,outC] = conv(x[B,H,W,C], f[kh,kw,C,outC]) (+ bias);
   * geom = [B, H, W, C, kh, kw, outC, strideH, strideW, dilationH, dilationW, padTop, padLeft, OH, OW].
   */
  conv2d(heap: Float32Array, xOff: number, fOff: number, yOff: number, biasOff: number, geom: Int32Array): void;
  /** Filter gradient of conv2d: dw[kh,kw,C,outC] = im2col(x)ᵀ·dy[B,OH,OW,outC]; same geom as conv2d (biasOff ignored). */
  conv2dFilterGrad(heap: Float32Array, xOff: number, dwOff: number, dyOff: number, biasOff: number, geom: Int32Array): void;
  /**
   * A dense layer's backward pass (y = x·w + b, x [M, K], w [K, N], dy [M, N]): dx = dy·wᵀ [M, K]
   * (dxOff < 0: skipped), dw = xᵀ·dy [K, N] and db = the column sums of dy [N] in double (dbOff < 0:
   * skipped). The two products run side by side on the threads; the same bits as sgemm and sum.
   */
  denseGrad(
    heap: Float32Array, M: number, N: number, K: number,
    xOff: number, wOff: number, dyOff: number, dxOff: number, dwOff: number, dbOff: number,
  ): void;
  /**
   * Input gradient of conv2d, the transposed convolution: dx[B,H,W,C] = col2im(dy[B,OH,OW,outC]·fᵀ)
   * (+ bias[C]); same geom as conv2d, whose input dx is.
   */
  conv2dInputGrad(heap: Float32Array, dxOff: number, fOff: number, dyOff: number, biasOff: number, geom: Int32Array): void;
  /**
   * Softmax cross-entropy of rows: probs[N,V] = softmax(logits), loss[N] = w·(logsumexp − logits[t]);
   * targets are int32 at a float index of the same heap; rows of weight 0 get loss 0 and probs 0.
   */
  softmaxXent(heap: Float32Array, N: number, V: number, logitsOff: number, targetsOff: number, wOff: number, lossOff: number, probsOff: number): void;
  /** Its gradient: grad[r] = scale[r]·(probs[r] − onehot(t[r])); gradOff may be probsOff (in place). */
  softmaxXentGrad(heap: Float32Array, N: number, V: number, probsOff: number, targetsOff: number, scaleOff: number, gradOff: number): void;
  /**
   * A GRU layer's recurrence (PyTorch's gate layout r, z, n) over T steps of B rows, time-major
   * (row t·B + b), on plain Float32Arrays: per step gh = h·W_hh + b_hh, r = σ(x_r + gh_r),
   * z = σ(x_z + gh_z), n = tanh(x_n + r·gh_n), h = (1 − z)·n + z·h, except where mask is 0 (the
   * state is kept). px [T·B, 3H] (input projections), h [B, H] (the initial state, updated in
   * place), wHh [H, 3H], bias [3H]; outputs hs [T·B, H] and, when not empty, hPrev [T·B, H] (the
   * state before each step) and act [T·B, 4H] (r, z, n, gh_n). mask may be empty (none); reverse
   * runs the steps from T − 1 down. H must be a multiple of 8.
   */
  gruForward(
    B: number, T: number, H: number, px: Float32Array, h: Float32Array, wHh: Float32Array, bias: Float32Array,
    mask: Float32Array, reverse: boolean, hs: Float32Array, hPrev: Float32Array, act: Float32Array,
  ): void;
  /**
   * Backpropagation through time of gruForward (the same B, T, H, wHh, mask, reverse; its hPrev
   * and act): dy [T·B, H] is the gradient of every step's state; dh [B, H] holds the gradient of
   * the final state and receives that of the initial state; dGx and dGh [T·B, 3H], zero-filled by
   * the caller, receive the gradients of the input projections and of h·W_hh + b_hh.
   */
  gruBackward(
    B: number, T: number, H: number, dy: Float32Array, wHh: Float32Array, mask: Float32Array, reverse: boolean,
    hPrev: Float32Array, act: Float32Array, dh: Float32Array, dGx: Float32Array, dGh: Float32Array,
  ): void;
  /**
   * The size of the kernels' thread pool (1, the default, runs everything on the calling thread;
   * n > 1 keeps n − 1 worker threads parked between calls). Results do not depend on it: every
   * kernel gives the same bits on 1 or n threads. Throws a RangeError unless n is an integer >= 1.
   */
  setThreads(n: number): void;
  /** The pool's size, as set by setThreads. */
  threads(): number;
  /**
   * Asks Linux to back memory with transparent huge pages (madvise MADV_HUGEPAGE over the whole
   * 2 MB pages from the array's start, `bytes` long, at least the array: for the wasm heap, the
   * range it can grow into). Whether the call succeeded (false elsewhere than Linux).
   */
  hugePages(array: Float32Array, bytes?: number): boolean;
  /** Whether this CPU has AVX2 and FMA. */
  supported(): boolean;
  /**
   * Which SGEMM kernel runs: 'avx512' (12x32 register block) when the CPU has AVX-512F, unless
   * VAEKIT_NATIVE_AVX512=0, else 'avx2' (6x16). Both compute every element with the same
   * operations in the same order: the same bits.
   */
  sgemmIsa(): 'avx512' | 'avx2';
}
/** The kernels, or null when unavailable (not built, no AVX2/FMA, or VAEKIT_NATIVE=0). */
export function load(): NativeKernels | null;
/** Why load() returned null ('' when it did not). */
export function unavailableReason(): string;
