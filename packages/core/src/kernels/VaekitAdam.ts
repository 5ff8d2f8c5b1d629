/**
 * VaekitAdam (see names.ts) on wasm with @vaekit/native: one fused Adam update per variable
 * (x, m, v, g -> x', with m and v updated in place) instead of tf.train.adam's ~12 kernels per
 * variable and without two new moment tensors per variable and step; the same float32
 * operations in the same order, so bit-identical to tf.train.adam. No other backend registers it,
 * and FusedAdam (train/optimizer.ts) is then tf.train.adam.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { AdamKernelAttrs, VaekitAdam } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

function wasmNative(native: NativeKernels): KernelFn<WasmBackendLike> {
  return ({ inputs, backend, attrs }) => {
    const { x, m, v, g } = inputs as Record<string, tf.TensorInfo>;
    const a = attrs as unknown as AdamKernelAttrs;
    for (const t of [x, m, v, g]) {
      if (t.dtype !== 'float32') throw new Error(`${VaekitAdam}: float32 tensors only, got ${t.dtype}`);
    }
    const n = sizeOf(x.shape);
    if (sizeOf(m.shape) !== n || sizeOf(v.shape) !== n || sizeOf(g.shape) !== n) {
      throw new Error(`${VaekitAdam}: x, m, v, g must have the same size`);
    }
    const xo = backend.makeOutput([...x.shape], 'float32');
    if (n === 0) return xo;
    const heap = backend.wasm.HEAPF32; // after the allocation (the heap may have grown)
    // m and v are written in place (the native update reads each value before writing it).
    const [xi, mi, vi, gi, xn] = [x, m, v, g, xo].map((t) => offsetOf(backend, t));
    native.adam(heap, n, xi, mi, vi, gi, xn, mi, vi, a.lr, a.beta1, a.beta2, a.epsilon, a.c1, a.c2, a.gradScale ?? 1);
    return xo;
  };
}

export const adamKernel: VaekitKernel = { kernelName: VaekitAdam, wasmNative };
