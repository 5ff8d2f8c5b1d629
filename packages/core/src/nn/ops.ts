/**
 * Differentiable dense / conv2d / conv2dTranspose ops that are fast on the
 * tfjs wasm backend and need only kernels the wasm backend registers.
 *
 * Why these exist (tfjs-backend-wasm 4.22 in Node 20, one core):
 *  - MatMul with transposeA/transposeB runs ~10x slower than a plain MatMul,
 *    and tfjs' autodiff of matMul uses the transposed forms. The dense
 *    gradients are vaekit kernels whose generic form (wasm without
 *    @vaekit/native) transposes explicitly (the Transpose kernel is cheap) and
 *    uses plain MatMuls.
 *  - wasm has no Conv2DBackpropFilter kernel, so tf.grad of tf.conv2d /
 *    tf.conv2dTranspose w.r.t. the filter throws. The filter gradient is the
 *    VaekitConv2DFilterGrad kernel (kernels/VaekitConv2DFilterGrad.ts): on any
 *    backend one ordinary Conv2D (dilated by the stride) of the transposed
 *    input with the transposed output gradient as its "filter".
 *  - Conv2DBackpropInput (input gradient of conv2d, forward of
 *    conv2dTranspose) is ~10x slower than Conv2D. With @vaekit/native it is
 *    the VaekitConv2DInputGrad kernel (SGEMM + col2im); elsewhere we compute
 *    it as a "sub-pixel" stride-1 Conv2D that produces all sh*sw output
 *    phases as channels, then a reshape/transpose interleave and a crop.
 *  - Slice and Concat are JS loops that copy one innermost run per call (and
 *    Slice first copies its whole input out of the wasm heap); GatherV2,
 *    Reverse and DepthToSpace are slow too. The ops here slice only tensors
 *    reshaped so the inner run is long, and use none of the last three.
 *
 * Measured at batch 128 on wasm without @vaekit/native (medians of noisy
 * runs): conv 32->64 k4 s2 p1, 14->7: forward + dx + dw ~72 ms,
 * where tf's dx alone (Conv2DBackpropInput) takes ~185 ms; convT 64->32 k4 s2
 * p1, 7->14, forward: ~28 ms vs tf.conv2dTranspose ~200 ms; dense 784->400
 * forward + backward: ~15 ms vs ~95 ms with tf.matMul's autodiff kernels.
 *
 * All ops are tf.customGrad functions (they need no registered gradients);
 * forward and backward use Conv2D / FusedConv2D, BatchMatMul / _FusedMatMul,
 * Transpose, Reshape, Slice, Concat, PadV2, Sum, Tile, Fill and Identity, and
 * vaekit's kernels for the weight and bias gradients (kernels/names.ts:
 * VaekitDenseGrad, VaekitConv2DFilterGrad, VaekitBiasGrad), registered per
 * backend: each backend runs its fastest form
 * of them (with @vaekit/native on wasm, transposed MatMuls, an im2col filter
 * gradient and a one-pass Sum), with the same values.
 *
 * Padding conventions (per spatial axis, input size n, kernel k, stride s):
 *  - 'valid':  no padding, out = floor((n - k) / s) + 1.
 *  - 'same':   TensorFlow SAME, out = ceil(n / s),
 *              total = max((out - 1) * s + k - n, 0), before = floor(total / 2).
 *  - p (number, or [ph, pw]): symmetric explicit zero padding as in PyTorch's
 *              Conv2d(padding=p): out = floor((n + 2p - k) / s) + 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Conv2DFilterGradAttrs,
  Conv2DInputGradAttrs,
  DenseGradAttrs,
  VaekitBiasGrad,
  VaekitConv2DInputGrad,
  VaekitConv2DFilterGrad,
  VaekitDense,
  VaekitDenseGrad,
} from '../kernels';

/** Padding of a convolution: see the module comment. */
export type Conv2DPad = 'same' | 'valid' | number | [number, number];
/** Strides of a convolution, [strideH, strideW] or one number for both. */
export type Conv2DStrides = number | [number, number];

/** Options shared by the ops. */
export interface NnOpOptions {
  /**
   * Whether to compute the gradient with respect to the input x (default
   * true). tf.customGrad computes the gradients of all inputs eagerly, so for a
   * first layer whose input is data, pass false to skip that work; the
   * gradient reported for x is then zeros.
   */
  inputGrad?: boolean;
}

// ---------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------

/** Geometry of one spatial axis of a forward convolution. */
interface AxisGeom {
  /** Input size (unpadded). */
  n: number;
  /** Kernel size. */
  k: number;
  /** Stride. */
  s: number;
  /** Output size. */
  out: number;
  /** Zero rows added before the input. */
  before: number;
  /** Zero rows added after the input (may include rows the conv never reads). */
  after: number;
}

/** Geometry of a forward NHWC convolution x[B,H,W,inC] * w[kh,kw,inC,outC]. */
interface ConvGeom {
  batch: number;
  inC: number;
  outC: number;
  h: AxisGeom;
  w: AxisGeom;
}

function pair(v: number | [number, number], what: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!Array.isArray(p) || p.length !== 2 || !p.every((e) => Number.isInteger(e))) {
    throw new Error(`nn: ${what} must be an integer or a pair of integers, got ${JSON.stringify(v)}`);
  }
  return p;
}

function axisGeom(n: number, k: number, s: number, pad: 'same' | 'valid' | number, axis: string): AxisGeom {
  if (!(s >= 1)) throw new Error(`nn: stride must be >= 1, got ${s}`);
  if (!(k >= 1)) throw new Error(`nn: kernel size must be >= 1, got ${k}`);
  let out: number;
  let before: number;
  let after: number;
  if (pad === 'same') {
    out = Math.ceil(n / s);
    const total = Math.max((out - 1) * s + k - n, 0);
    before = Math.floor(total / 2);
    after = total - before;
  } else if (pad === 'valid') {
    before = 0;
    after = 0;
    out = Math.floor((n - k) / s) + 1;
  } else {
    if (!Number.isInteger(pad) || pad < 0) throw new Error(`nn: numeric padding must be a non-negative integer, got ${pad}`);
    before = pad;
    after = pad;
    out = Math.floor((n + 2 * pad - k) / s) + 1;
  }
  if (n < 1 || out < 1) {
    throw new Error(`nn: kernel ${k} with stride ${s} and padding ${JSON.stringify(pad)} does not fit input ${axis} ${n}`);
  }
  return { n, k, s, out, before, after };
}

function convGeom(
  xShape: readonly number[],
  kh: number,
  kw: number,
  inC: number,
  outC: number,
  strides: Conv2DStrides,
  pad: Conv2DPad,
): ConvGeom {
  const [sh, sw] = pair(strides, 'strides');
  let ph: 'same' | 'valid' | number;
  let pw: 'same' | 'valid' | number;
  if (pad === 'same' || pad === 'valid') {
    ph = pad;
    pw = pad;
  } else {
    [ph, pw] = pair(pad, 'pad');
  }
  if (xShape[3] !== inC) throw new Error(`nn: input has ${xShape[3]} channels but the filter expects ${inC}`);
  return {
    batch: xShape[0],
    inC,
    outC,
    h: axisGeom(xShape[1], kh, sh, ph, 'height'),
    w: axisGeom(xShape[2], kw, sw, pw, 'width'),
  };
}

type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

function explicitPad(top: number, bottom: number, left: number, right: number): ExplicitPad {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

function assertRank(t: tf.Tensor, rank: number, name: string): void {
  if (t.rank !== rank) throw new Error(`nn: ${name} must have rank ${rank}, got shape [${t.shape}]`);
  if (t.dtype !== 'float32') throw new Error(`nn: ${name} must be float32, got ${t.dtype}`);
}

// ---------------------------------------------------------------------------
// Building blocks (no autodiff; used inside customGrad forward/backward)
// ---------------------------------------------------------------------------

/**
 * Crops x[B,H,W,C] to rows [top, top+h) and columns [left, left+w).
 * Done as a 3-D slice of [B, H, W*C] so that every copied run is w*C floats
 * long (the wasm Slice kernel copies one innermost run per JS call).
 */
function crop4d(x: tf.Tensor4D, top: number, h: number, left: number, w: number): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  if (top === 0 && h === H && left === 0 && w === W) return x;
  return tf.tidy(() => {
    const x3 = tf.reshape(x, [B, H, W * C]);
    const s = tf.slice(x3, [0, top, left * C], [B, h, w * C]);
    return tf.reshape(s, [B, h, w, C]);
  });
}

/**
 * Forward convolution y = conv(x, w) (+ bias) with the geometry g, on the
 * Conv2D / FusedConv2D kernel with explicit padding.
 */
function convForward(x: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeom, bias?: tf.Tensor1D): tf.Tensor4D {
  const pad = explicitPad(g.h.before, g.h.after, g.w.before, g.w.after);
  const strides: [number, number] = [g.h.s, g.w.s];
  if (bias) return tf.fused.conv2d({ x, filter: w, strides, pad, bias });
  return tf.conv2d(x, w, strides, pad);
}

/**
 * Filter gradient of the convolution y = conv(x, w) with geometry g:
 *   dw[i,j,ci,co] = sum_{b,oh,ow} xpad[b, oh*sh+i, ow*sw+j, ci] * dy[b,oh,ow,co]
 * (the VaekitConv2DFilterGrad kernel).
 */
function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeom): tf.Tensor4D {
  const attrs: Conv2DFilterGradAttrs = { kh: g.h.k, kw: g.w.k, strideH: g.h.s, strideW: g.w.s, padTop: g.h.before, padLeft: g.w.before };
  return tf.engine().runKernel(VaekitConv2DFilterGrad, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** Per-axis plan of the sub-pixel input-gradient convolution. */
interface SubpixelAxis {
  /** Taps of the combined kernel along this axis: ceil(k / s). */
  taps: number;
  /** Rows of the phase grid that are computed. */
  nq: number;
  /** Zero rows to add before / after dy (negative: crop dy). */
  padBefore: number;
  padAfter: number;
  /** Offset of the first wanted row in the interleaved result. */
  offset: number;
}

function subpixelAxis(a: AxisGeom): SubpixelAxis {
  // Padded coordinate u = s*q + r (0 <= r < s). The input gradient is
  //   dxpad[s*q + r] = sum_{t=0}^{A-1} dy[q - (A-1-t)] * w[s*(A-1-t) + r]
  // (terms with s*(A-1-t) + r >= k are zero): a stride-1 correlation over q
  // with A = ceil(k/s) taps whose s phases r become output channels.
  // Wanted u in [before, before + n): q in [q0, Q).
  const taps = Math.ceil(a.k / a.s);
  const q0 = Math.floor(a.before / a.s);
  const Q = Math.ceil((a.before + a.n) / a.s);
  return {
    taps,
    nq: Q - q0,
    padBefore: taps - 1 - q0,
    padAfter: Q - a.out,
    offset: a.before - q0 * a.s,
  };
}

/**
 * Reverses the order of a tensor's outermost axis by contiguous slices + one
 * concat (the wasm Reverse and GatherV2 kernels are ~10x slower than copies).
 */
function reverseOuter(x: tf.Tensor): tf.Tensor {
  const n = x.shape[0];
  if (n === 1) return x;
  const rest = x.shape.slice(1);
  const parts: tf.Tensor[] = [];
  for (let i = n - 1; i >= 0; i--) parts.push(tf.slice(x, [i, ...rest.map(() => 0)], [1, ...rest]));
  return tf.concat(parts, 0);
}

/**
 * Builds the combined sub-pixel kernel G[tH, tW, outC, sh*sw*inC] from the
 * forward filter w[kh, kw, inC, outC]:
 *   G[t, t', co, (r, c, ci)] = w[sh*(A-1-t) + r, sw*(A'-1-t') + c, ci, co]
 * (zero where the tap falls outside the kernel), with pad / slice / concat /
 * transpose only.
 */
function subpixelKernel(w: tf.Tensor4D, g: ConvGeom, ah: SubpixelAxis, aw: SubpixelAxis): tf.Tensor4D {
  return tf.tidy(() => {
    const { k: kh, s: sh } = g.h;
    const { k: kw, s: sw } = g.w;
    const { inC, outC } = g;
    const A = ah.taps;
    const Aw = aw.taps;
    let wp: tf.Tensor = w;
    if (A * sh !== kh || Aw * sw !== kw) {
      wp = tf.pad(w, [[0, A * sh - kh], [0, Aw * sw - kw], [0, 0], [0, 0]]);
    }
    // [A, sh*Aw*sw*inC*outC], reverse A: rows are t = A-1-a.
    let r = reverseOuter(tf.reshape(wp, [A, sh * Aw * sw * inC * outC]));
    // [t, r, a', (c, ci, co)] -> [a', t, r, (c, ci, co)], then reverse a' -> t'.
    r = tf.transpose(tf.reshape(r, [A, sh, Aw, sw * inC * outC]), [2, 0, 1, 3]);
    r = reverseOuter(tf.reshape(r, [Aw, A * sh * sw * inC * outC]));
    // [t', t, (r, c, ci), co] -> [t, t', co, (r, c, ci)]
    const G = tf.transpose(tf.reshape(r, [Aw, A, sh * sw * inC, outC]), [1, 0, 3, 2]);
    return tf.reshape(G, [A, Aw, outC, sh * sw * inC]) as tf.Tensor4D;
  });
}

/**
 * Input gradient of y = conv(x, w) with geometry g (= the transposed
 * convolution of dy with w), dx[B, H, W, inC], plus an optional bias over inC
 * (used when this is the forward of conv2dTranspose).
 *
 * The VaekitConv2DInputGrad kernel where the backend has one (wasm with
 * @vaekit/native); elsewhere one stride-1 Conv2D of dy with the sub-pixel kernel
 * (all sh*sw output phases as channels), then a reshape/transpose to interleave
 * the phases and a crop.
 */
function convInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeom, bias?: tf.Tensor1D): tf.Tensor4D {
  if (tf.getKernel(VaekitConv2DInputGrad, tf.getBackend())) {
    const attrs: Conv2DInputGradAttrs = { inH: g.h.n, inW: g.w.n, strideH: g.h.s, strideW: g.w.s, padTop: g.h.before, padLeft: g.w.before };
    const inputs: tf.NamedTensorMap = bias ? { dy, w, bias } : { dy, w };
    return tf.engine().runKernel(VaekitConv2DInputGrad, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const B = g.batch;
    const { s: sh } = g.h;
    const { s: sw } = g.w;
    const ah = subpixelAxis(g.h);
    const aw = subpixelAxis(g.w);
    const G = subpixelKernel(w, g, ah, aw);

    // Negative padding = rows of dy that no wanted output reads: crop them.
    let d = dy;
    const cropTop = Math.max(0, -ah.padBefore);
    const cropLeft = Math.max(0, -aw.padBefore);
    const keepH = g.h.out - cropTop - Math.max(0, -ah.padAfter);
    const keepW = g.w.out - cropLeft - Math.max(0, -aw.padAfter);
    d = crop4d(d, cropTop, keepH, cropLeft, keepW);
    const pad = explicitPad(
      Math.max(0, ah.padBefore),
      Math.max(0, ah.padAfter),
      Math.max(0, aw.padBefore),
      Math.max(0, aw.padAfter),
    );

    const phases = sh * sw;
    let y: tf.Tensor4D;
    if (bias) {
      const b = phases === 1 ? bias : (tf.tile(bias, [phases]) as tf.Tensor1D);
      y = tf.fused.conv2d({ x: d, filter: G, strides: 1, pad, bias: b });
    } else {
      y = tf.conv2d(d, G, 1, pad);
    }
    // y: [B, nqH, nqW, (r, c, ci)]  ->  [B, nqH*sh, nqW*sw, inC]
    if (phases > 1) {
      const y4 = tf.reshape(y, [B * ah.nq, aw.nq, sh, sw * g.inC]);
      const yt = tf.transpose(y4, [0, 2, 1, 3]); // [B*nqH, sh, nqW, sw*inC]
      y = tf.reshape(yt, [B, ah.nq * sh, aw.nq * sw, g.inC]);
    }
    return crop4d(y, ah.offset, g.h.n, aw.offset, g.w.n);
  });
}

/** Bias gradient sum(dy, [0, 1, 2]) of dy[B, H, W, C] (the VaekitBiasGrad kernel). */
function biasGrad4d(dy: tf.Tensor4D): tf.Tensor1D {
  return tf.engine().runKernel(VaekitBiasGrad, { dy }) as tf.Tensor1D;
}

/** Calls op with (x, w[, b]) as customGrad inputs. */
function withOptionalBias<T extends tf.Tensor>(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor | null | undefined,
  forward: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | undefined) => T,
  backward: (dy: T, x: tf.Tensor, w: tf.Tensor, hasBias: boolean) => { dx: tf.Tensor; dw: tf.Tensor; db: () => tf.Tensor },
): T {
  if (b != null) {
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [xi, wi, bi] = args as tf.Tensor[];
      const save = args[3] as tf.GradSaveFunc;
      save([xi, wi]);
      return {
        value: forward(xi, wi, bi),
        gradFunc: (dy: T, saved: tf.Tensor[]) => {
          const { dx, dw, db } = backward(dy, saved[0], saved[1], true);
          return [dx, dw, db()];
        },
      };
    });
    return op(x, w, b) as T;
  }
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, wi] = args as tf.Tensor[];
    const save = args[2] as tf.GradSaveFunc;
    save([xi, wi]);
    return {
      value: forward(xi, wi, undefined),
      gradFunc: (dy: T, saved: tf.Tensor[]) => {
        const { dx, dw } = backward(dy, saved[0], saved[1], false);
        return [dx, dw];
      },
    };
  });
  return op(x, w) as T;
}

// ---------------------------------------------------------------------------
// Public ops
// ---------------------------------------------------------------------------

/**
 * Fully connected layer y = x·w (+ b).
 *
 * @param x [B, I]
 * @param w [I, O]
 * @param b optional [O]
 * @returns [B, O]
 *
 * Forward: the VaekitDense kernel. Gradients: one VaekitDenseGrad kernel for
 * dw = xᵀ·dy, db = sum(dy, 0) and dx = dy·wᵀ (the last only with inputGrad);
 * with @vaekit/native the two products run side by side on the threads. On
 * other backends it runs VaekitDenseFilterGrad, VaekitBiasGrad and
 * VaekitDenseInputGrad, which, where transposed MatMuls are slow (wasm
 * without @vaekit/native), use explicit transposes and plain MatMuls.
 */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D | null, opts: NnOpOptions = {}): tf.Tensor2D {
  assertRank(x, 2, 'dense x');
  assertRank(w, 2, 'dense w');
  if (x.shape[1] !== w.shape[0]) {
    throw new Error(`nn.dense: x [${x.shape}] and w [${w.shape}] do not match`);
  }
  if (b != null) {
    assertRank(b, 1, 'dense b');
    if (b.shape[0] !== w.shape[1]) throw new Error(`nn.dense: b [${b.shape}] does not match w [${w.shape}]`);
  }
  const inputGrad = opts.inputGrad !== false;
  return withOptionalBias<tf.Tensor2D>(
    x,
    w,
    b,
    (xi, wi, bi) => tf.engine().runKernel(VaekitDense, bi ? { x: xi, w: wi, bias: bi } : { x: xi, w: wi }) as tf.Tensor2D,
    (dy, xs, ws, hasBias) => {
      // One kernel for dw, db and dx (VaekitDenseGrad): outputs [dw, db if hasBias, dx if inputGrad].
      const attrs: DenseGradAttrs = { inputGrad, biasGrad: hasBias };
      const out = tf.engine().runKernel(VaekitDenseGrad, { x: xs, w: ws, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      const [dw, db] = out;
      return { dx: inputGrad ? out[out.length - 1] : tf.zerosLike(xs), dw, db: () => db };
    },
  );
}

/**
 * 2-D convolution (cross-correlation, as tf.conv2d) of NHWC input.
 *
 * @param x [B, H, W, inC]
 * @param w [kh, kw, inC, outC]
 * @param b optional [outC]
 * @param strides number or [sh, sw] (default 1)
 * @param pad 'same' | 'valid' | p | [ph, pw] (default 'valid'); numeric
 *   padding is explicit symmetric zero padding as in PyTorch:
 *   out = floor((H + 2p - kh) / sh) + 1
 * @returns [B, OH, OW, outC]
 *
 * Filter gradient: the VaekitConv2DFilterGrad kernel (no Conv2DBackpropFilter
 * needed). Input gradient: a sub-pixel stride-1 Conv2D + interleave (no
 * Conv2DBackpropInput).
 */
export function conv2d(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b?: tf.Tensor1D | null,
  strides: Conv2DStrides = 1,
  pad: Conv2DPad = 'valid',
  opts: NnOpOptions = {},
): tf.Tensor4D {
  assertRank(x, 4, 'conv2d x');
  assertRank(w, 4, 'conv2d w');
  const [kh, kw, inC, outC] = w.shape;
  const g = convGeom(x.shape, kh, kw, inC, outC, strides, pad);
  if (b != null) {
    assertRank(b, 1, 'conv2d b');
    if (b.shape[0] !== outC) throw new Error(`nn.conv2d: b [${b.shape}] does not match ${outC} output channels`);
  }
  const inputGrad = opts.inputGrad !== false;
  return withOptionalBias<tf.Tensor4D>(
    x,
    w,
    b,
    (xi, wi, bi) => convForward(xi as tf.Tensor4D, wi as tf.Tensor4D, g, bi as tf.Tensor1D | undefined),
    (dy, xs, ws) => ({
      dx: inputGrad ? convInputGrad(dy, ws as tf.Tensor4D, g) : tf.zerosLike(xs),
      dw: convFilterGrad(xs as tf.Tensor4D, dy, g),
      db: () => biasGrad4d(dy),
    }),
  );
}

/**
 * Output [height, width] of conv2d for an input of spatial size inHW and a
 * kernel of spatial size kernelHW (see conv2d for the padding rules).
 */
export function conv2dOutputSize(
  inHW: [number, number],
  kernelHW: [number, number],
  strides: Conv2DStrides = 1,
  pad: Conv2DPad = 'valid',
): [number, number] {
  const g = convGeom([1, inHW[0], inHW[1], 1], kernelHW[0], kernelHW[1], 1, 1, strides, pad);
  return [g.h.out, g.w.out];
}

/**
 * Output [height, width] of conv2dTranspose (without an explicit outShape) for
 * an input of spatial size inHW and a kernel of spatial size kernelHW.
 */
export function conv2dTransposeOutputSize(
  inHW: [number, number],
  kernelHW: [number, number],
  strides: Conv2DStrides = 1,
  pad: Conv2DPad = 'valid',
): [number, number] {
  const [sh, sw] = pair(strides, 'strides');
  const [ph, pw] = pad === 'same' || pad === 'valid' ? [pad, pad] : pair(pad, 'pad');
  return [transposeOutSize(inHW[0], kernelHW[0], sh, ph), transposeOutSize(inHW[1], kernelHW[1], sw, pw)];
}

/**
 * Output spatial size of conv2dTranspose along one axis when no explicit
 * output shape is given: numeric p -> (n-1)*s - 2p + k (PyTorch
 * ConvTranspose2d, output_padding 0); 'same' -> n*s; 'valid' -> n*s +
 * max(k - s, 0) (as tf.layers.conv2dTranspose; equals (n-1)*s + k when k >= s).
 */
function transposeOutSize(n: number, k: number, s: number, pad: 'same' | 'valid' | number): number {
  if (pad === 'same') return n * s;
  if (pad === 'valid') return n * s + Math.max(k - s, 0);
  return (n - 1) * s - 2 * pad + k;
}

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its
 * input), NHWC, with the tfjs filter layout.
 *
 * @param x [B, H, W, inC]
 * @param w [kh, kw, outC, inC] (tf.conv2dTranspose convention)
 * @param b optional [outC]
 * @param outShape optional output size: [Ho, Wo] or [B, Ho, Wo, outC]; by
 *   default numeric p gives (H-1)*s - 2p + k as PyTorch's ConvTranspose2d
 *   (a larger outShape, by less than s, plays the role of output_padding),
 *   'same' gives H*s, 'valid' gives H*s + max(k - s, 0).
 * @param strides number or [sh, sw] (default 1)
 * @param pad 'same' | 'valid' | p | [ph, pw] (default 'valid'): the padding
 *   of the forward convolution this op is the transpose of.
 * @returns [B, Ho, Wo, outC]
 *
 * Forward: sub-pixel stride-1 Conv2D + interleave (no Conv2DBackpropInput).
 * Gradient w.r.t. x: an ordinary strided Conv2D; w.r.t. w: the
 * VaekitConv2DFilterGrad kernel.
 */
export function conv2dTranspose(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b?: tf.Tensor1D | null,
  outShape?: [number, number] | [number, number, number, number] | null,
  strides: Conv2DStrides = 1,
  pad: Conv2DPad = 'valid',
  opts: NnOpOptions = {},
): tf.Tensor4D {
  assertRank(x, 4, 'conv2dTranspose x');
  assertRank(w, 4, 'conv2dTranspose w');
  const [kh, kw, outC, inC] = w.shape;
  const [B, H, W, C] = x.shape;
  if (C !== inC) throw new Error(`nn.conv2dTranspose: x has ${C} channels but w [${w.shape}] expects ${inC}`);
  const [sh, sw] = pair(strides, 'strides');
  let Ho: number;
  let Wo: number;
  if (outShape != null) {
    if (outShape.length === 4) {
      if (outShape[0] !== B || outShape[3] !== outC) {
        throw new Error(`nn.conv2dTranspose: outShape [${outShape}] does not match batch ${B} / ${outC} output channels`);
      }
      Ho = outShape[1];
      Wo = outShape[2];
    } else {
      [Ho, Wo] = outShape;
    }
  } else {
    [Ho, Wo] = conv2dTransposeOutputSize([H, W], [kh, kw], [sh, sw], pad);
  }
  // The forward convolution whose input gradient this op is: [B,Ho,Wo,outC] -> [B,H,W,inC].
  const g = convGeom([B, Ho, Wo, outC], kh, kw, outC, inC, [sh, sw], pad);
  if (g.h.out !== H || g.w.out !== W) {
    throw new Error(
      `nn.conv2dTranspose: output ${Ho}x${Wo} is inconsistent with input ${H}x${W}, ` +
        `kernel ${kh}x${kw}, strides ${sh}x${sw} and pad ${JSON.stringify(pad)} ` +
        `(a conv of the output would give ${g.h.out}x${g.w.out})`,
    );
  }
  if (b != null) {
    assertRank(b, 1, 'conv2dTranspose b');
    if (b.shape[0] !== outC) throw new Error(`nn.conv2dTranspose: b [${b.shape}] does not match ${outC} output channels`);
  }
  const inputGrad = opts.inputGrad !== false;
  return withOptionalBias<tf.Tensor4D>(
    x,
    w,
    b,
    (xi, wi, bi) => convInputGrad(xi as tf.Tensor4D, wi as tf.Tensor4D, g, bi as tf.Tensor1D | undefined),
    (dy, xs, ws) => ({
      dx: inputGrad ? convForward(dy, ws as tf.Tensor4D, g) : tf.zerosLike(xs),
      // <T(x,w), dy> = <x, conv(dy, w)>  =>  dw = filter gradient of conv(dy, .) at x.
      dw: convFilterGrad(dy, xs as tf.Tensor4D, g),
      db: () => biasGrad4d(dy),
    }),
  );
}
