/**
 * The diagonal Gaussian posterior's two elementwise steps, each one kernel (see names.ts) instead
 * of four to six tiny ones and their gradients: on a [batch, latent] tensor those cost far more in
 * dispatch than in arithmetic.
 *  - VaekitGaussianKl / VaekitGaussianKlGrad: KL(N(mean, exp(logVar)) ‖ N(0, 1)) per value and its
 *    gradient.
 *  - VaekitReparameterize / VaekitReparameterizeGrad: z = mean + exp(0.5·logVar)·eps and the
 *    gradient for logVar (mean's is dz itself).
 * Registered for wasm: one native call with @vaekit/native (native.gaussian), else one JavaScript
 * loop over the heap; either way float32 after every operation, in the order of the tfjs ops
 * they replace. On other backends math/kl.ts and math/reparameterize.ts use tfjs ops.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitGaussianKl, VaekitGaussianKlGrad, VaekitReparameterize, VaekitReparameterizeGrad } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

const f = Math.fround;

/** The float32 inputs' heap offsets and their common size; throws when they differ in shape or dtype. */
function sameShaped(kernel: string, backend: WasmBackendLike, ...ts: tf.TensorInfo[]): { offs: number[]; n: number } {
  for (const t of ts) {
    if (t.dtype !== 'float32' || t.shape.length !== ts[0].shape.length || t.shape.some((d, i) => d !== ts[0].shape[i])) {
      throw new Error(`${kernel}: inputs must be float32 of one shape, got ${ts.map((u) => `${u.dtype} [${u.shape}]`).join(', ')}`);
    }
  }
  return { offs: ts.map((t) => offsetOf(backend, t)), n: sizeOf(ts[0].shape) };
}

/**
 * A kernel with one output shaped like its inputs (named `names`, all float32 of one shape):
 * loop(h, offs, o, n) fills heap floats [o, o + n) from the inputs at heap offsets offs. Each
 * kernel writes its own loop: a generic per-element callback took about twice as long (~40 ns a
 * value against ~20 in a training step).
 */
function elementwise(
  kernel: string,
  names: string[],
  loop: (h: Float32Array, offs: number[], o: number, n: number) => void,
): KernelFn<WasmBackendLike> {
  return ({ inputs, backend }) => {
    const ts = names.map((n) => (inputs as Record<string, tf.TensorInfo>)[n]);
    const { offs, n } = sameShaped(kernel, backend, ...ts);
    const out = backend.makeOutput([...ts[0].shape], 'float32');
    // The heap view is read after the allocation (the heap may have grown).
    loop(backend.wasm.HEAPF32, offs, offsetOf(backend, out), n);
    return out;
  };
}

// kl = 0.5·((mean² + exp(logVar)) − (1 + logVar))
const klOnHeap = elementwise(VaekitGaussianKl, ['mean', 'logVar'], (h, [m, lv], o, n) => {
  for (let i = 0; i < n; i++) {
    const mi = h[m + i];
    const li = h[lv + i];
    h[o + i] = f(0.5 * f(f(f(mi * mi) + f(Math.exp(li))) - f(1 + li)));
  }
});

// dMean = dy·mean, dLogVar = dy·(0.5·(exp(logVar) − 1))
const klGradOnHeap: KernelFn<WasmBackendLike> = ({ inputs, backend }) => {
  const { dy, mean, logVar } = inputs as { dy: tf.TensorInfo; mean: tf.TensorInfo; logVar: tf.TensorInfo };
  const { offs: [d, m, lv], n } = sameShaped(VaekitGaussianKlGrad, backend, dy, mean, logVar);
  const dMean = backend.makeOutput([...mean.shape], 'float32');
  const dLogVar = backend.makeOutput([...mean.shape], 'float32');
  const h = backend.wasm.HEAPF32;
  const om = offsetOf(backend, dMean);
  const ol = offsetOf(backend, dLogVar);
  for (let i = 0; i < n; i++) {
    const di = h[d + i];
    h[om + i] = f(di * h[m + i]);
    h[ol + i] = f(di * f(0.5 * f(f(Math.exp(h[lv + i])) - 1)));
  }
  return [dMean, dLogVar];
};

// z = mean + exp(logVar·0.5)·eps
const reparameterizeOnHeap = elementwise(VaekitReparameterize, ['mean', 'logVar', 'eps'], (h, [m, lv, e], o, n) => {
  for (let i = 0; i < n; i++) h[o + i] = f(h[m + i] + f(f(Math.exp(f(h[lv + i] * 0.5))) * h[e + i]));
});

// dLogVar = ((dz·eps)·exp(logVar·0.5))·0.5, in the order of the gradients of Add, Multiply, Exp and Multiply
const reparameterizeGradOnHeap = elementwise(VaekitReparameterizeGrad, ['dz', 'logVar', 'eps'], (h, [dz, lv, e], o, n) => {
  for (let i = 0; i < n; i++) h[o + i] = f(f(f(h[dz + i] * h[e + i]) * f(Math.exp(f(h[lv + i] * 0.5)))) * 0.5);
});

/**
 * With @vaekit/native: the same steps as one native call (native.gaussian, op 0 to 3), split
 * across the kernel threads; `ins` names the inputs a, b (and c), `outs` the outputs.
 */
function onNative(
  kernel: string,
  op: 0 | 1 | 2 | 3,
  ins: string[],
  outs: number,
  loop: KernelFn<WasmBackendLike>,
): (native: NativeKernels) => KernelFn<WasmBackendLike> {
  return (native) => {
    // An addon built before gaussian existed: the JavaScript loop.
    if (typeof native.gaussian !== 'function') return loop;
    return ({ inputs, backend }) => {
      const ts = ins.map((n) => (inputs as Record<string, tf.TensorInfo>)[n]);
      const { offs: [a, b, c], n } = sameShaped(kernel, backend, ...ts);
      const ys = Array.from({ length: outs }, () => backend.makeOutput([...ts[0].shape], 'float32'));
      const [y, y2] = ys.map((t) => offsetOf(backend, t));
      // The heap view is read after the allocations (they may have grown the heap).
      native.gaussian(backend.wasm.HEAPF32, op, n, a, b, c ?? 0, y, y2 ?? 0);
      return outs === 1 ? ys[0] : ys;
    };
  };
}

export const gaussianKlKernel: VaekitKernel = {
  kernelName: VaekitGaussianKl,
  wasm: () => klOnHeap,
  wasmNative: onNative(VaekitGaussianKl, 0, ['mean', 'logVar'], 1, klOnHeap),
};
export const gaussianKlGradKernel: VaekitKernel = {
  kernelName: VaekitGaussianKlGrad,
  wasm: () => klGradOnHeap,
  wasmNative: onNative(VaekitGaussianKlGrad, 1, ['mean', 'logVar', 'dy'], 2, klGradOnHeap),
};
export const reparameterizeKernel: VaekitKernel = {
  kernelName: VaekitReparameterize,
  wasm: () => reparameterizeOnHeap,
  wasmNative: onNative(VaekitReparameterize, 2, ['mean', 'logVar', 'eps'], 1, reparameterizeOnHeap),
};
export const reparameterizeGradKernel: VaekitKernel = {
  kernelName: VaekitReparameterizeGrad,
  wasm: () => reparameterizeGradOnHeap,
  wasmNative: onNative(VaekitReparameterizeGrad, 3, ['dz', 'logVar', 'eps'], 1, reparameterizeGradOnHeap),
};
