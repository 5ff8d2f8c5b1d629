/**
 * VaekitSoftmaxXent and VaekitSoftmaxXentGrad (see names.ts): the softmax cross-entropy of a
 * text model's output layer, the widest tensors of its step ([tokens, vocabulary]), in one pass
 * each way instead of the six element-wise kernels (max, sub, exp, sum, log, div) and a one-hot.
 *  - Any backend: a loop over the rows' values, in float64 sums (on wasm without the addon,
 *    writing into wasm's output buffers).
 *  - wasm with @vaekit/native: AVX2 loops on the wasm heap, no copies.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitSoftmaxXent, VaekitSoftmaxXentGrad } from './names';
import { BackendLike, KernelFn, NativeKernels, offsetOf, VaekitKernel, WasmBackendLike } from './util';

/** What the generic forms need of a backend: read a tensor's values, make one from values. */
interface ValuesBackend extends BackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

function checkShapes(name: string, rows: tf.TensorInfo, targets: tf.TensorInfo, perRow: tf.TensorInfo): [number, number] {
  const [N, V] = rows.shape;
  if (rows.shape.length !== 2 || targets.shape.length !== 1 || targets.shape[0] !== N || perRow.shape.length !== 1 || perRow.shape[0] !== N) {
    throw new Error(`${name}: expected [N, V], [N] and [N], got [${rows.shape}], [${targets.shape}] and [${perRow.shape}]`);
  }
  if (targets.dtype !== 'int32') throw new Error(`${name}: targets must be int32, got ${targets.dtype}`);
  return [N, V];
}

/** The forward pass over values: fills loss [N] and probs [N, V] (zero-initialised). */
function forward(N: number, V: number, x: ArrayLike<number>, t: ArrayLike<number>, w: ArrayLike<number>, loss: Float32Array, probs: Float32Array): void {
  for (let r = 0; r < N; r++) {
      if (w[r] === 0) continue;
      const o = r * V;
      let m = -Infinity;
      for (let i = 0; i < V; i++) m = Math.max(m, x[o + i]);
      let s = 0;
      for (let i = 0; i < V; i++) s += probs[o + i] = Math.exp(x[o + i] - m);
      for (let i = 0; i < V; i++) probs[o + i] /= s;
      const picked = t[r] >= 0 && t[r] < V ? x[o + t[r]] : m;
      loss[r] = w[r] * (Math.log(s) + m - picked);
  }
}

/** The gradient over values: fills g [N, V] (zero-initialised). */
function gradient(N: number, V: number, p: ArrayLike<number>, t: ArrayLike<number>, c: ArrayLike<number>, g: Float32Array): void {
  for (let r = 0; r < N; r++) {
    if (c[r] === 0) continue;
    for (let i = 0; i < V; i++) g[r * V + i] = p[r * V + i] * c[r];
    if (t[r] >= 0 && t[r] < V) g[r * V + t[r]] -= c[r];
  }
}

function genericForward(): KernelFn {
  return ({ inputs, backend }) => {
    const { logits, targets, weights } = inputs as Record<string, tf.TensorInfo>;
    const [N, V] = checkShapes(VaekitSoftmaxXent, logits, targets, weights);
    const b = backend as ValuesBackend;
    const loss = new Float32Array(N);
    const probs = new Float32Array(N * V);
    forward(N, V, b.readSync(logits.dataId), b.readSync(targets.dataId), b.readSync(weights.dataId), loss, probs);
    return [b.makeTensorInfo([N], 'float32', loss), b.makeTensorInfo([N, V], 'float32', probs)];
  };
}

function genericGrad(): KernelFn {
  return ({ inputs, backend }) => {
    const { probs, targets, scale } = inputs as Record<string, tf.TensorInfo>;
    const [N, V] = checkShapes(VaekitSoftmaxXentGrad, probs, targets, scale);
    const b = backend as ValuesBackend;
    const g = new Float32Array(N * V);
    gradient(N, V, b.readSync(probs.dataId), b.readSync(targets.dataId), b.readSync(scale.dataId), g);
    return b.makeTensorInfo([N, V], 'float32', g);
  };
}

/** wasm without the addon: the same loops, writing into wasm's own output buffers. */
function wasmForward(): KernelFn<WasmBackendLike> {
  return ({ inputs, backend }) => {
    const { logits, targets, weights } = inputs as Record<string, tf.TensorInfo>;
    const [N, V] = checkShapes(VaekitSoftmaxXent, logits, targets, weights);
    const b = backend as WasmBackendLike & ValuesBackend;
    const x = b.readSync(logits.dataId);
    const t = b.readSync(targets.dataId);
    const w = b.readSync(weights.dataId);
    const lossInfo = b.makeOutput([N], 'float32');
    const probsInfo = b.makeOutput([N, V], 'float32');
    const loss = new Float32Array(N);
    const probs = new Float32Array(N * V);
    forward(N, V, x, t, w, loss, probs);
    b.wasm.HEAPF32.set(loss, offsetOf(b, lossInfo));
    b.wasm.HEAPF32.set(probs, offsetOf(b, probsInfo));
    return [lossInfo, probsInfo];
  };
}

function wasmGrad(): KernelFn<WasmBackendLike> {
  return ({ inputs, backend }) => {
    const { probs, targets, scale } = inputs as Record<string, tf.TensorInfo>;
    const [N, V] = checkShapes(VaekitSoftmaxXentGrad, probs, targets, scale);
    const b = backend as WasmBackendLike & ValuesBackend;
    const g = new Float32Array(N * V);
    gradient(N, V, b.readSync(probs.dataId), b.readSync(targets.dataId), b.readSync(scale.dataId), g);
    const out = b.makeOutput([N, V], 'float32');
    b.wasm.HEAPF32.set(g, offsetOf(b, out));
    return out;
  };
}

function nativeForward(native: NativeKernels): KernelFn<WasmBackendLike> {
  return ({ inputs, backend }) => {
    const { logits, targets, weights } = inputs as Record<string, tf.TensorInfo>;
    const [N, V] = checkShapes(VaekitSoftmaxXent, logits, targets, weights);
    const loss = backend.makeOutput([N], 'float32');
    const probs = backend.makeOutput([N, V], 'float32');
    // Offsets after every allocation: one may grow (and move) the heap.
    const heap = backend.wasm.HEAPF32;
    native.softmaxXent(heap, N, V, offsetOf(backend, logits), offsetOf(backend, targets), offsetOf(backend, weights), offsetOf(backend, loss), offsetOf(backend, probs));
    return [loss, probs];
  };
}

function nativeGrad(native: NativeKernels): KernelFn<WasmBackendLike> {
  return ({ inputs, backend, attrs }) => {
    const { probs, targets, scale } = inputs as Record<string, tf.TensorInfo>;
    const [N, V] = checkShapes(VaekitSoftmaxXentGrad, probs, targets, scale);
    if (attrs?.inPlace) {
      // The caller gives up probs: the gradient overwrites it and shares its buffer (no
      // allocation of another [N, V], which the allocator would map and fault in afresh).
      const o = offsetOf(backend, probs);
      native.softmaxXentGrad(backend.wasm.HEAPF32, N, V, o, offsetOf(backend, targets), offsetOf(backend, scale), o);
      backend.incRef(probs.dataId);
      return { dataId: probs.dataId, shape: [N, V], dtype: 'float32' };
    }
    const grad = backend.makeOutput([N, V], 'float32');
    native.softmaxXentGrad(backend.wasm.HEAPF32, N, V, offsetOf(backend, probs), offsetOf(backend, targets), offsetOf(backend, scale), offsetOf(backend, grad));
    return grad;
  };
}

export const softmaxXentKernel: VaekitKernel = {
  kernelName: VaekitSoftmaxXent,
  generic: () => genericForward(),
  wasm: () => wasmForward(),
  wasmNative: (native) => nativeForward(native),
};

export const softmaxXentGradKernel: VaekitKernel = {
  kernelName: VaekitSoftmaxXentGrad,
  generic: () => genericGrad(),
  wasm: () => wasmGrad(),
  wasmNative: (native) => nativeGrad(native),
};
