/**
 * Fast kernels for the tfjs wasm backend, registered when wasm is selected.
 *
 *  - `VaekitAdam`: one fused Adam update of a variable (x, m, v, g -> x', m', v'), used by
 *    FusedAdam (train/optimizer.ts) instead of tf.train.adam's ~12 kernels per variable. It
 *    computes exactly what tf.train.adam computes, op by op in float32, so results are
 *    bit-identical to the unfused optimizer. Always registered on wasm (plain JS over the
 *    wasm heap, or the native loop when available).
 *  - `BatchMatMul` and `_FusedMatMul` (bias, linear activation) backed by the AVX2/FMA SGEMM of
 *    @vaekit/native, working on zero-copy views of the wasm heap. Registered only when the
 *    native addon loads (built at install, CPU with AVX2+FMA, VAEKIT_NATIVE not 0); every case
 *    it does not handle (other dtypes, broadcast batch dims, activations, prelu) goes to the
 *    original wasm kernel, which is also what runs when the addon is missing.
 *  - `Softplus` (native, AVX2 exp/log, ~1e-7 relative error) instead of wasm's scalar one.
 *  - `Sum` over leading or trailing axes (plain JS over the heap, accumulating in float64 as
 *    the cpu backend does) and a zero-copy `Identity` (shares the input's data, as wasm's
 *    Reshape and the cpu backend's Identity do): both on either path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setFastTransposedMatMul } from '../nn/ops';

/** The subset of @vaekit/native used here (see packages/native/src/index.d.ts). */
export interface NativeKernels {
  sgemm(
    heap: Float32Array, M: number, N: number, K: number,
    aOff: number, lda: number, transA: boolean,
    bOff: number, ldb: number, transB: boolean,
    cOff: number, ldc: number, biasOff: number,
  ): void;
  softplus(heap: Float32Array, n: number, xOff: number, yOff: number): void;
  adam(
    heap: Float32Array, n: number,
    xOff: number, mOff: number, vOff: number, gOff: number,
    xoOff: number, moOff: number, voOff: number,
    lr: number, beta1: number, beta2: number, epsilon: number, c1: number, c2: number,
  ): void;
}

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

/** Adam over heap ranges in plain JS, float32 op by op (as tf.train.adam on any backend). */
function adamJs(
  h: Float32Array, n: number, xo: number, mo: number, vo: number, go: number,
  xn: number, mn: number, vn: number, a: AdamKernelAttrs,
): void {
  const f = Math.fround;
  const b1 = f(a.beta1);
  const b2 = f(a.beta2);
  const omb1 = f(1 - a.beta1);
  const omb2 = f(1 - a.beta2);
  const c1 = f(a.c1);
  const c2 = f(a.c2);
  const eps = f(a.epsilon);
  const nlr = f(-a.lr);
  for (let i = 0; i < n; i++) {
    const g = h[go + i];
    const m = f(f(h[mo + i] * b1) + f(g * omb1));
    const v = f(f(h[vo + i] * b2) + f(f(g * g) * omb2));
    const q = f(f(m / c1) / f(f(Math.sqrt(f(v / c2))) + eps));
    h[xn + i] = f(q * nlr) + h[xo + i];
    h[mn + i] = m;
    h[vn + i] = v;
  }
}

function makeAdamKernel(native: NativeKernels | null): KernelFn {
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
    if (native) native.adam(heap, n, ...offs, a.lr, a.beta1, a.beta2, a.epsilon, a.c1, a.c2);
    else adamJs(heap, n, ...offs, a);
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

let sumScratch = new Float64Array(1024);

function makeSum(fallback: KernelFn): KernelFn {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs ?? {};
    const keepDims = !!attrs.keepDims;
    const rank = x.shape.length;
    if (x.dtype !== 'float32' || rank === 0) return fallback(args);
    const raw = attrs.axis == null ? [...Array(rank).keys()] : Array.isArray(attrs.axis) ? (attrs.axis as number[]) : [attrs.axis as number];
    const axes = [...new Set(raw.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    if (axes.length === 0 || axes.some((a) => a < 0 || a >= rank)) return fallback(args);
    const k = axes.length;
    const leading = axes.every((a, i) => a === i);
    const trailing = axes.every((a, i) => a === rank - k + i);
    if (!leading && !trailing) return fallback(args);
    const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const n = sizeOf(x.shape);
    const outer = leading ? sizeOf(x.shape.slice(0, k)) : sizeOf(x.shape.slice(0, rank - k));
    const inner = n / Math.max(outer, 1);
    if (n === 0) return fallback(args);
    const out = args.backend.makeOutput(outShape, 'float32');
    const h = args.backend.wasm.HEAPF32;
    const xo = offsetOf(args.backend, x);
    const oo = offsetOf(args.backend, out);
    if (leading) {
      // out[j] = sum_i x[i, j]: accumulate rows into float64.
      if (sumScratch.length < inner) sumScratch = new Float64Array(inner);
      const acc = sumScratch;
      acc.fill(0, 0, inner);
      for (let i = 0; i < outer; i++) {
        const row = xo + i * inner;
        for (let j = 0; j < inner; j++) acc[j] += h[row + j];
      }
      for (let j = 0; j < inner; j++) h[oo + j] = acc[j];
    } else {
      for (let i = 0; i < outer; i++) {
        const row = xo + i * inner;
        let a = 0;
        for (let j = 0; j < inner; j++) a += h[row + j];
        h[oo + i] = a;
      }
    }
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
export function installWasmKernels(native: NativeKernels | null): void {
  if (tf.getKernel(ADAM_KERNEL, 'wasm')) tf.unregisterKernel(ADAM_KERNEL, 'wasm');
  tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: makeAdamKernel(native) as unknown as tf.KernelFunc });
  replaceKernel('Sum', (fb) => makeSum(fb));
  replaceKernel('Identity', (fb) => makeIdentity(fb));
  if (native) {
    replaceKernel('BatchMatMul', (fb) => makeBatchMatMul(native, fb));
    replaceKernel('_FusedMatMul', (fb) => makeFusedMatMul(native, fb));
    replaceKernel('Softplus', (fb) => makeSoftplus(native, fb));
    installed = 'native';
  } else {
    restoreKernel('BatchMatMul');
    restoreKernel('_FusedMatMul');
    restoreKernel('Softplus');
    installed = 'js';
  }
  // Transposed MatMuls are as fast as plain ones with the native SGEMM: nn.dense then skips
  // its explicit Transposes.
  setFastTransposedMatMul(native != null);
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
