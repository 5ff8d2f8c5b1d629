/**
 * Fast kernels for the tfjs wasm backend, registered when wasm is selected (backend/select.ts).
 *
 * With @vaekit/native loaded (built from source at install; CPU with AVX2 + FMA; VAEKIT_NATIVE
 * not 0), on zero-copy Float32Array views of the wasm heap:
 *  - `BatchMatMul` and `_FusedMatMul` (bias, linear activation) on the native SGEMM (6x16
 *    register blocking, ~80 GFLOP/s on one core vs ~29 for wasm's MatMul); transposed operands
 *    cost nothing extra, so nn.dense drops its explicit Transposes;
 *  - `VaekitAdam`: one fused Adam update per variable (x, m, v, g -> x', m', v'), used by
 *    FusedAdam (train/optimizer.ts) instead of tf.train.adam's ~12 kernels per variable; the
 *    same float32 operations in the same order, so bit-identical to tf.train.adam;
 *  - `Softplus` (AVX2 exp/log, ~1e-7 relative error) instead of wasm's scalar one;
 *  - `Sum` over leading or trailing axes (accumulating in float64 as the cpu backend does);
 *  - `Conv2D` / `FusedConv2D` (NHWC, bias, linear activation, any stride / dilation / padding)
 *    as im2col + the SGEMM (wasm's XNNPACK convolution reaches ~10 GFLOP/s on the dilated
 *    filter-gradient convolutions of nn.conv2d);
 *  - `VaekitConv2DFilterGrad`: the filter gradient of a convolution as im2col(x)ᵀ·dy, which
 *    nn.conv2d / nn.conv2dTranspose use on this path instead of transposes + a dilated Conv2D.
 * Every case these do not handle (other dtypes, broadcast batch dims, fused activations, prelu,
 * inner-axis sums, NCHW) goes to the original wasm kernel.
 *
 * On either path: a zero-copy `Identity` that shares its input's data (as wasm's Reshape and the
 * cpu backend's Identity do) instead of copying it.
 *
 * Without the addon everything else stays the plain wasm kernels (and FusedAdam is tf.train.adam).
 */
import * as tf from '@tensorflow/tfjs-core';
import { CONV2D_FILTER_GRAD_KERNEL, setNativeKernelsActive } from '../nn/ops';

/** The kernels @vaekit/native exports (packages/native/src/index.d.ts). */
import type { NativeKernels } from '@vaekit/native';
export type { NativeKernels };

/** Name of the fused Adam kernel. */
export const ADAM_KERNEL = 'VaekitAdam';

/** Attributes of the VaekitAdam kernel; c1 = 1 − β1^t and c2 = 1 − β2^t (float32). */
export interface AdamKernelAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  c1: number;
  c2: number;
}

// The parts of tfjs-backend-wasm's BackendWasm used here.
interface WasmData {
  memoryOffset: number;
}
interface WasmBackendLike {
  dataIdMap: { get(dataId: object): WasmData | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  wasm: { HEAPF32: Float32Array };
}
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: WasmBackendLike; attrs?: tf.NamedAttrMap };
type KernelFn = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

function offsetOf(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error('vaekit kernels: tensor is not on the wasm backend');
  return d.memoryOffset >>> 2; // float index (float32 data is 4-byte aligned)
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// ---------------------------------------------------------------------------
// Adam
// ---------------------------------------------------------------------------

function makeAdamKernel(native: NativeKernels): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { x, m, v, g } = inputs as Record<string, tf.TensorInfo>;
    const a = attrs as unknown as AdamKernelAttrs;
    for (const t of [x, m, v, g]) {
      if (t.dtype !== 'float32') throw new Error(`${ADAM_KERNEL}: float32 tensors only, got ${t.dtype}`);
    }
    const n = sizeOf(x.shape);
    if (sizeOf(m.shape) !== n || sizeOf(v.shape) !== n || sizeOf(g.shape) !== n) {
      throw new Error(`${ADAM_KERNEL}: x, m, v, g must have the same size`);
    }
    const xo = backend.makeOutput([...x.shape], 'float32');
    const mo = backend.makeOutput([...x.shape], 'float32');
    const vo = backend.makeOutput([...x.shape], 'float32');
    if (n === 0) return [xo, mo, vo];
    const heap = backend.wasm.HEAPF32; // after the allocations (the heap may have grown)
    const offs = [x, m, v, g, xo, mo, vo].map((t) => offsetOf(backend, t)) as [number, number, number, number, number, number, number];
    native.adam(heap, n, ...offs, a.lr, a.beta1, a.beta2, a.epsilon, a.c1, a.c2);
    return [xo, mo, vo];
  };
}

// ---------------------------------------------------------------------------
// MatMul
// ---------------------------------------------------------------------------

interface MatMulPlan {
  batch: number;
  M: number;
  N: number;
  K: number;
  strideA: number;
  strideB: number;
  outShape: number[];
}

/** The native plan for a (batched) matmul, or null when the case goes to the wasm kernel. */
function planMatMul(a: tf.TensorInfo, b: tf.TensorInfo, transA: boolean, transB: boolean): MatMulPlan | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const M = transA ? a.shape[ra - 1] : a.shape[ra - 2];
  const Ka = transA ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = transB ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = transB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (Ka !== Kb || M === 0 || N === 0) return null;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = sizeOf(outerA);
  const batchB = sizeOf(outerB);
  let outer: number[];
  if (batchA === batchB && outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i])) outer = outerA;
  else if (batchB === 1 && outerB.length <= outerA.length) outer = outerA;
  else if (batchA === 1 && outerA.length <= outerB.length) outer = outerB;
  else return null; // general broadcasting: the wasm kernel
  const batch = Math.max(batchA, batchB);
  return {
    batch,
    M,
    N,
    K: Ka,
    strideA: batchA === 1 ? 0 : M * Ka,
    strideB: batchB === 1 ? 0 : Ka * N,
    outShape: [...outer, M, N],
  };
}

function runGemm(
  native: NativeKernels, backend: WasmBackendLike, p: MatMulPlan,
  a: tf.TensorInfo, b: tf.TensorInfo, transA: boolean, transB: boolean, bias: tf.TensorInfo | null,
): tf.TensorInfo {
  const out = backend.makeOutput(p.outShape, 'float32');
  const heap = backend.wasm.HEAPF32;
  const ao = offsetOf(backend, a);
  const bo = offsetOf(backend, b);
  const co = offsetOf(backend, out);
  const biasOff = bias ? offsetOf(backend, bias) : -1;
  const lda = transA ? p.M : p.K;
  const ldb = transB ? p.K : p.N;
  for (let i = 0; i < p.batch; i++) {
    native.sgemm(heap, p.M, p.N, p.K, ao + i * p.strideA, lda, transA, bo + i * p.strideB, ldb, transB, co + i * p.M * p.N, p.N, biasOff);
  }
  return out;
}

function makeBatchMatMul(native: NativeKernels, fallback: KernelFn): KernelFn {
  return (args) => {
    const { a, b } = args.inputs as Record<string, tf.TensorInfo>;
    const transA = !!args.attrs?.transposeA;
    const transB = !!args.attrs?.transposeB;
    const p = planMatMul(a, b, transA, transB);
    if (!p) return fallback(args);
    return runGemm(native, args.backend, p, a, b, transA, transB, null);
  };
}

function makeFusedMatMul(native: NativeKernels, fallback: KernelFn): KernelFn {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs ?? {};
    const transA = !!attrs.transposeA;
    const transB = !!attrs.transposeB;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if (!a || !b || preluActivationWeights || activation !== 'linear') return fallback(args);
    const p = planMatMul(a, b, transA, transB);
    if (!p) return fallback(args);
    // A bias over the output columns only ([N] or [1, N] ...); other broadcasts: the wasm kernel.
    if (bias && (bias.dtype !== 'float32' || sizeOf(bias.shape) !== p.N || bias.shape[bias.shape.length - 1] !== p.N)) {
      return fallback(args);
    }
    return runGemm(native, args.backend, p, a, b, transA, transB, bias ?? null);
  };
}

// ---------------------------------------------------------------------------
// Conv2D / FusedConv2D (NHWC): im2col + the native SGEMM
// ---------------------------------------------------------------------------

function makeConv2D(native: NativeKernels, fallback: KernelFn, fused: boolean): KernelFn {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs ?? {};
    if (!x || !filter || x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) {
      return fallback(args);
    }
    if (fused && (preluActivationWeights || ((attrs.activation as string | undefined) ?? 'linear') !== 'linear')) return fallback(args);
    const dataFormat = (attrs.dataFormat as string | undefined) ?? 'NHWC';
    if (dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides as number | [number, number],
      (attrs.dilations as number | [number, number] | undefined) ?? 1,
      attrs.pad as 'same' | 'valid' | number | tf.backend_util.ExplicitPadding,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    );
    if (info.batchSize * info.outHeight * info.outWidth * info.outChannels === 0 || info.inChannels === 0) return fallback(args);
    // Narrow GEMMs (few output channels, or a short im2col row) run faster on XNNPACK.
    if (info.outChannels < 16 || info.filterHeight * info.filterWidth * info.inChannels < 64) return fallback(args);
    if (bias && (bias.dtype !== 'float32' || sizeOf(bias.shape) !== info.outChannels || bias.shape[bias.shape.length - 1] !== info.outChannels)) {
      return fallback(args);
    }
    const out = args.backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
    const geom = Int32Array.from([
      info.batchSize, info.inHeight, info.inWidth, info.inChannels,
      info.filterHeight, info.filterWidth, info.outChannels,
      info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
      info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth,
    ]);
    native.conv2d(
      args.backend.wasm.HEAPF32,
      offsetOf(args.backend, x),
      offsetOf(args.backend, filter),
      offsetOf(args.backend, out),
      bias ? offsetOf(args.backend, bias) : -1,
      geom,
    );
    return out;
  };
}

/**
 * `VaekitConv2DFilterGrad` (used by nn's conv ops): inputs x [B,H,W,C] and dy [B,OH,OW,outC],
 * attrs kh, kw, strideH, strideW, padTop, padLeft (dilation 1); output the filter gradient
 * dw [kh,kw,C,outC] = im2col(x)ᵀ·dy.
 */
function makeConv2DFilterGrad(native: NativeKernels): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as Record<string, tf.TensorInfo>;
    const a = (attrs ?? {}) as Record<string, number>;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.shape.length !== 4 || dy.shape.length !== 4 || x.shape[0] !== dy.shape[0]) {
      throw new Error(`${CONV2D_FILTER_GRAD_KERNEL}: x [${x.shape}] and dy [${dy.shape}] must be float32 NHWC with the same batch`);
    }
    const [B, H, W, C] = x.shape;
    const [, OH, OW, outC] = dy.shape;
    const out = backend.makeOutput([a.kh, a.kw, C, outC], 'float32');
    if (sizeOf(x.shape) === 0 || sizeOf(dy.shape) === 0) {
      backend.wasm.HEAPF32.fill(0, offsetOf(backend, out), offsetOf(backend, out) + a.kh * a.kw * C * outC);
      return out;
    }
    const geom = Int32Array.from([B, H, W, C, a.kh, a.kw, outC, a.strideH, a.strideW, 1, 1, a.padTop, a.padLeft, OH, OW]);
    native.conv2dFilterGrad(backend.wasm.HEAPF32, offsetOf(backend, x), offsetOf(backend, out), offsetOf(backend, dy), -1, geom);
    return out;
  };
}

// ---------------------------------------------------------------------------
// Softplus, Sum, Identity
// ---------------------------------------------------------------------------

function makeSoftplus(native: NativeKernels, fallback: KernelFn): KernelFn {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const n = sizeOf(x.shape);
    if (x.dtype !== 'float32' || n === 0) return fallback(args);
    const out = args.backend.makeOutput([...x.shape], 'float32');
    native.softplus(args.backend.wasm.HEAPF32, n, offsetOf(args.backend, x), offsetOf(args.backend, out));
    return out;
  };
}

function makeSum(native: NativeKernels, fallback: KernelFn): KernelFn {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs ?? {};
    const keepDims = !!attrs.keepDims;
    const rank = x.shape.length;
    const n = sizeOf(x.shape);
    if (x.dtype !== 'float32' || rank === 0 || n === 0) return fallback(args);
    const raw = attrs.axis == null ? [...Array(rank).keys()] : Array.isArray(attrs.axis) ? (attrs.axis as number[]) : [attrs.axis as number];
    const axes = [...new Set(raw.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    if (axes.length === 0 || axes.some((a) => a < 0 || a >= rank)) return fallback(args);
    const k = axes.length;
    // Leading axes [0, k) or trailing axes [rank - k, rank) only; the rest: the wasm kernel.
    const leading = axes.every((a, i) => a === i);
    const trailing = axes.every((a, i) => a === rank - k + i);
    if (!leading && !trailing) return fallback(args);
    const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const outer = leading ? sizeOf(x.shape.slice(0, k)) : sizeOf(x.shape.slice(0, rank - k));
    const inner = n / outer;
    const out = args.backend.makeOutput(outShape, 'float32');
    native.sum(args.backend.wasm.HEAPF32, outer, inner, offsetOf(args.backend, x), offsetOf(args.backend, out), leading);
    return out;
  };
}

function makeIdentity(fallback: KernelFn): KernelFn {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    if (x.dtype === 'string') return fallback(args);
    (args.backend as unknown as { incRef(d: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

// ---------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------

const originals = new Map<string, tf.KernelConfig>();
let installed: 'none' | 'js' | 'native' = 'none';

function replaceKernel(name: string, make: (fallback: KernelFn) => KernelFn): void {
  let orig = originals.get(name);
  if (!orig) {
    const current = tf.getKernel(name, 'wasm');
    if (!current) return;
    orig = { ...current } as tf.KernelConfig;
    originals.set(name, orig);
  }
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: make(orig.kernelFunc as unknown as KernelFn) as unknown as tf.KernelFunc });
}

function restoreKernel(name: string): void {
  const orig = originals.get(name);
  if (!orig) return;
  if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  // The original's setupFunc already ran when the backend was initialised.
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: orig.kernelFunc });
}

/**
 * Registers the vaekit kernels for the wasm backend: with `native` (the @vaekit/native
 * kernels) the SGEMM-backed MatMuls and the native Adam; with null the JS Adam only and the
 * original wasm MatMuls. Idempotent; may be called again to switch (tests do).
 */
/**
 * UnsortedSegmentSum (the gradient of gather, so of embeddings), which wasm lacks: a ScatterNd of
 * the rows at their segment ids, which sums rows that share an id, through wasm's own kernels.
 */
function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = Number((args.attrs as { numSegments: number }).numSegments);
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(`UnsortedSegmentSum (vaekit, wasm): segmentIds must be 1-D with one id per row of x, got [${segmentIds.shape}] for x [${x.shape}]`);
  }
  const call = (name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) =>
    (tf.getKernel(name, 'wasm')!.kernelFunc as unknown as KernelFn)({ inputs, backend: args.backend, attrs }) as tf.TensorInfo;
  const indices = call('Reshape', { x: segmentIds }, { shape: [segmentIds.shape[0], 1] });
  const out = call('ScatterNd', { indices, updates: x }, { shape: [numSegments, ...x.shape.slice(1)] });
  (args.backend as unknown as { disposeData(id: object): void }).disposeData(indices.dataId);
  return out;
}

export function installWasmKernels(native: NativeKernels | null): void {
  replaceKernel('Identity', (fb) => makeIdentity(fb));
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc });
  }
  if (native) {
    if (tf.getKernel(ADAM_KERNEL, 'wasm')) tf.unregisterKernel(ADAM_KERNEL, 'wasm');
    tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: makeAdamKernel(native) as unknown as tf.KernelFunc });
    replaceKernel('BatchMatMul', (fb) => makeBatchMatMul(native, fb));
    replaceKernel('_FusedMatMul', (fb) => makeFusedMatMul(native, fb));
    replaceKernel('Softplus', (fb) => makeSoftplus(native, fb));
    replaceKernel('Sum', (fb) => makeSum(native, fb));
    replaceKernel('Conv2D', (fb) => makeConv2D(native, fb, false));
    replaceKernel('FusedConv2D', (fb) => makeConv2D(native, fb, true));
    if (tf.getKernel(CONV2D_FILTER_GRAD_KERNEL, 'wasm')) tf.unregisterKernel(CONV2D_FILTER_GRAD_KERNEL, 'wasm');
    tf.registerKernel({ kernelName: CONV2D_FILTER_GRAD_KERNEL, backendName: 'wasm', kernelFunc: makeConv2DFilterGrad(native) as unknown as tf.KernelFunc });
    installed = 'native';
  } else {
    for (const name of [ADAM_KERNEL, CONV2D_FILTER_GRAD_KERNEL]) if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    for (const name of ['BatchMatMul', '_FusedMatMul', 'Softplus', 'Sum', 'Conv2D', 'FusedConv2D']) restoreKernel(name);
    installed = 'js';
  }
  // nn's ops then use the native paths (transposed MatMuls, the filter-gradient kernel).
  setNativeKernelsActive(native != null);
}

/** Which vaekit kernels are registered for wasm: 'none', 'js' (fused Adam only) or 'native'. */
export function wasmKernelsInstalled(): 'none' | 'js' | 'native' {
  return installed;
}

let nativeLoad: { kernels: NativeKernels | null; reason: string } | undefined;

/**
 * The @vaekit/native kernels, or null with the reason (not installed or built, CPU without
 * AVX2/FMA, or VAEKIT_NATIVE=0).
 */
export function loadNative(): { kernels: NativeKernels | null; reason: string } {
  if (nativeLoad) return nativeLoad;
  const off = process.env.VAEKIT_NATIVE;
  if (off === '0' || off === 'false' || off === 'off') {
    nativeLoad = { kernels: null, reason: `disabled by VAEKIT_NATIVE=${off}` };
    return nativeLoad;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require('@vaekit/native') as { load(): NativeKernels | null; unavailableReason(): string };
    const kernels = mod.load();
    nativeLoad = { kernels, reason: kernels ? '' : mod.unavailableReason() };
  } catch (e) {
    nativeLoad = { kernels: null, reason: `@vaekit/native is not installed (${(e as Error).message.split('\n')[0]})` };
  }
  return nativeLoad;
}
