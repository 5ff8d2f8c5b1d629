/**
 * The diagonal Gaussian posterior's two elementwise steps, each one kernel (see names.ts) instead
 * of four to six tiny ones and their gradients: on a [batch, latent] tensor those cost far more in
 * dispatch than in arithmetic.
 *  - VaekitGaussianKl / VaekitGaussianKlGrad: KL(N(mean, exp(logVar)) ‖ N(0, 1)) per value and its
 *    gradient.
 *  - VaekitReparameterize / VaekitReparameterizeGrad: z = mean + exp(0.5·logVar)·eps and the
 *    gradient for logVar (mean's is dz itself).
 * Registered for wasm (one loop over the heap, float32 after every operation, in the order of
 * the tfjs ops they replace); on other backends math/kl.ts and math/reparameterize.ts use tfjs ops.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitGaussianKl, VaekitGaussianKlGrad, VaekitReparameterize, VaekitReparameterizeGrad } from './names';
import { KernelFn, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

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
 * A kernel whose output is f of the inputs' values at each position (inputs named `names`, all
 * float32 of one shape).
 */
function elementwise(kernel: string, names: string[], f: (...v: number[]) => number): KernelFn<WasmBackendLike> {
  return ({ inputs, backend }) => {
    const ts = names.map((n) => (inputs as Record<string, tf.TensorInfo>)[n]);
    const { offs, n } = sameShaped(kernel, backend, ...ts);
    const out = backend.makeOutput([...ts[0].shape], 'float32');
    const h = backend.wasm.HEAPF32; // after the allocation (the heap may have grown)
    const o = offsetOf(backend, out);
    const v = new Array<number>(offs.length);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < offs.length; k++) v[k] = h[offs[k] + i];
      h[o + i] = f(...v);
    }
    return out;
  };
}

// kl = 0.5·((mean² + exp(logVar)) − (1 + logVar))
const klOnHeap = elementwise(VaekitGaussianKl, ['mean', 'logVar'], (m, lv) => f(0.5 * f(f(f(m * m) + f(Math.exp(lv))) - f(1 + lv))));

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
const reparameterizeOnHeap = elementwise(VaekitReparameterize, ['mean', 'logVar', 'eps'], (m, lv, e) => f(m + f(f(Math.exp(f(lv * 0.5))) * e)));

// dLogVar = ((dz·eps)·exp(logVar·0.5))·0.5, in the order of the gradients of Add, Multiply, Exp and Multiply
const reparameterizeGradOnHeap = elementwise(VaekitReparameterizeGrad, ['dz', 'logVar', 'eps'], (dz, lv, e) =>
  f(f(f(dz * e) * f(Math.exp(f(lv * 0.5)))) * 0.5),
);

export const gaussianKlKernel: VaekitKernel = { kernelName: VaekitGaussianKl, wasm: () => klOnHeap };
export const gaussianKlGradKernel: VaekitKernel = { kernelName: VaekitGaussianKlGrad, wasm: () => klGradOnHeap };
export const reparameterizeKernel: VaekitKernel = { kernelName: VaekitReparameterize, wasm: () => reparameterizeOnHeap };
export const reparameterizeGradKernel: VaekitKernel = { kernelName: VaekitReparameterizeGrad, wasm: () => reparameterizeGradOnHeap };
