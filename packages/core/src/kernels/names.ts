/**
 * Names, inputs and attributes of the kernels vaekit adds to tfjs' kernel registry. Each is
 * registered per backend (see ./index.ts); ops run them with `tf.engine().runKernel(name, inputs,
 * attrs)`, so an op never needs to know which backend, or which implementation, is in use.
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * One fused Adam update of `count` variables: inputs x0, m0, v0, g0, x1, m1, ... (float32, each
 * quadruple of one size); outputs [x0', x1', ...]; the moments m_i and v_i are updated in place
 * (only the optimiser holds them, and nothing caches their data, as XNNPACK's convolutions cache
 * a filter's: x itself is never written in place). Registered for wasm when @vaekit/native
 * loads; FusedAdam (train/optimizer.ts) uses it on a backend that has it and is tf.train.adam
 * elsewhere.
 */
export const VaekitAdam = 'VaekitAdam';
/**
 * Attributes of VaekitAdam; count (default 1) variables; c1 = 1 − β1^t and c2 = 1 − β2^t
 * (float32); gradScale (default 1) multiplies the gradient first, as a separate float32 multiply
 * would (gradient clipping).
 */
export interface AdamKernelAttrs {
  count?: number;
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  c1: number;
  c2: number;
  gradScale?: number;
}

/**
 * A GRU layer's recurrence on the wasm heap (registered only with @vaekit/native; layers/
 * recurrent.ts uses it there): inputs proj [T·B, 3H], h0 [B, H], wHh [H, 3H], bHh [3H], mask
 * [T·B] (1 a token, 0 padding); attribute reverse; outputs [hs [T·B, H], hPrev [T·B, H],
 * act [T·B, 4H]] (every step's state, and what the backward pass needs).
 */
export const VaekitGruForward = 'VaekitGruForward';
/**
 * Its backward pass: inputs dy [T·B, H], wHh, mask, hPrev, act; attributes reverse and batch (B); outputs
 * [dh0 [B, H], dGx [T·B, 3H], dGh [T·B, 3H]] (the initial state's gradient, and those of the
 * input projections and of h·W_hh + b_hh).
 */
export const VaekitGruBackward = 'VaekitGruBackward';

/**
 * The Bernoulli negative log-likelihood of rows of data under logits: inputs logits and x
 * ([B, D] float32); output nll [B] = Σ_d softplus(logits) − x·logits (nn.bernoulliNll).
 */
export const VaekitBernoulliNll = 'VaekitBernoulliNll';
/** Its gradient with respect to the logits: inputs dy [B], logits, x; output dy[b]·(sigmoid(logits) − x). */
export const VaekitBernoulliNllGrad = 'VaekitBernoulliNllGrad';

/**
 * The gradient of Relu: inputs dy and x (float32, same shape); output dy · step(x) (1 above 0, 0
 * at or below, NaN where x is NaN), what tfjs's own gradient computes with three kernels
 * (Step, Cast, Multiply). gradients.ts registers it as Relu's gradient.
 */
export const VaekitReluGrad = 'VaekitReluGrad';

/** The sum of the squares of x's values (float32 scalar): input x; the global norm of clipping. */
export const VaekitSumSquares = 'VaekitSumSquares';

/**
 * The filter gradient of a stride (strideH, strideW), dilation-1 NHWC convolution:
 * inputs x [B, H, W, C] and dy [B, OH, OW, outC]; output dw [kh, kw, C, outC] with
 *   dw[i, j, c, o] = Σ_{b, oh, ow} xpad[b, oh·strideH + i, ow·strideW + j, c] · dy[b, oh, ow, o]
 * where xpad has padTop zero rows above and padLeft zero columns to the left of x.
 */
export const VaekitConv2DFilterGrad = 'VaekitConv2DFilterGrad';
export interface Conv2DFilterGradAttrs {
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/**
 * The input gradient of a stride (strideH, strideW), dilation-1 NHWC convolution with filter w,
 * which is also the transposed convolution of dy with w: inputs dy [B, OH, OW, outC], w [kh, kw,
 * C, outC] and optionally bias [C]; output dx [B, inH, inW, C] with
 *   dx[b, ih, iw, c] = bias[c] + Σ_{oh, ow, i, j: oh·strideH − padTop + i = ih, ow·strideW − padLeft + j = iw} Σ_o dy[b, oh, ow, o] · w[i, j, c, o].
 * Registered only for wasm with @vaekit/native: nn's ops use it where the backend has it.
 */
export const VaekitConv2DInputGrad = 'VaekitConv2DInputGrad';
export interface Conv2DInputGradAttrs {
  inH: number;
  inW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/**
 * KL(N(mean, exp(logVar)) ‖ N(0, 1)) of each value: inputs mean and logVar (float32, one shape);
 * output 0.5·((mean² + exp(logVar)) − (1 + logVar)). Registered for wasm (math/kl.ts).
 */
export const VaekitGaussianKl = 'VaekitGaussianKl';
/** Its gradient: inputs dy, mean, logVar; outputs [dy·mean, dy·0.5·(exp(logVar) − 1)]. */
export const VaekitGaussianKlGrad = 'VaekitGaussianKlGrad';
/**
 * The reparameterization z = mean + exp(0.5·logVar)·eps: inputs mean, logVar and eps (float32,
 * one shape); output z. Registered for wasm (math/reparameterize.ts).
 */
export const VaekitReparameterize = 'VaekitReparameterize';
/** Its gradient for logVar: inputs dz, logVar, eps; output dz·eps·exp(0.5·logVar)·0.5. */
export const VaekitReparameterizeGrad = 'VaekitReparameterizeGrad';

/** y = x·w (+ bias), a dense layer: inputs x [B, I], w [I, O] and optionally bias [O]; output [B, O]. */
export const VaekitDense = 'VaekitDense';

/** dx = dy·wᵀ, the input gradient of a dense layer: inputs dy [B, O] and w [I, O]; output [B, I]. */
export const VaekitDenseInputGrad = 'VaekitDenseInputGrad';

/** dw = xᵀ·dy, the weight gradient of a dense layer: inputs x [B, I] and dy [B, O]; output [I, O]. */
export const VaekitDenseFilterGrad = 'VaekitDenseFilterGrad';

/**
 * A dense layer's backward pass in one kernel: inputs x [B, I], w [I, O] and dy [B, O]; attrs
 * inputGrad and biasGrad (booleans); outputs [dw [I, O], then db [O] when biasGrad, then dx [B, I]
 * when inputGrad]: the values of VaekitDenseFilterGrad, VaekitBiasGrad and VaekitDenseInputGrad.
 */
export const VaekitDenseGrad = 'VaekitDenseGrad';
export interface DenseGradAttrs {
  inputGrad: boolean;
  biasGrad: boolean;
}

/** The bias gradient of a layer: input dy [..., C]; output [C], dy summed over all axes but the last. */
export const VaekitBiasGrad = 'VaekitBiasGrad';

/**
 * Softmax cross-entropy of rows: inputs logits [N, V] float32, targets [N] int32 and weights [N]
 * float32; outputs [loss [N], probs [N, V]] with probs = softmax(logits) and
 * loss = weight · (logsumexp(logits) − logits[target]). Rows of weight 0 (padding) get loss 0 and
 * probs 0 (their softmax is never needed).
 */
export const VaekitSoftmaxXent = 'VaekitSoftmaxXent';
/**
 * Its gradient: inputs probs [N, V], targets [N] int32, scale [N]; output scale · (probs −
 * onehot(targets)). Attribute inPlace (boolean): the caller will never read probs again, so a
 * backend may write the gradient over it and return its buffer (wasm with @vaekit/native does).
 */
export const VaekitSoftmaxXentGrad = 'VaekitSoftmaxXentGrad';

/** Inputs of the kernels above, by name. */
export type KernelInputs<K extends string> = Record<K, tf.TensorInfo>;
