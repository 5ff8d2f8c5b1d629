/**
 * VaekitAdam (see names.ts) on wasm with @vaekit/native: one fused Adam update per variable
 * (x, m, v, g -> x', m', v') instead of tf.train.adam's ~12 kernels per variable; the same float32
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
    const mo = backend.makeOutput([...x.shape], 'float32');
    const vo = backend.makeOutput([...x.shape], 'float32');
    if (n === 0) return [xo, mo, vo];
    const heap = backend.wasm.HEAPF32; // after the allocations (the heap may have grown)
    const offs = [x, m, v, g, xo, mo, vo].map((t) => offsetOf(backend, t)) as [number, number, number, number, number, number, number];
    native.adam(heap, n, ...offs, a.lr, a.beta1, a.beta2, a.epsilon, a.c1, a.c2, a.gradScale ?? 1);
    return [xo, mo, vo];
  };
}

export const adamKernel: VaekitKernel = { kernelName: VaekitAdam, wasmNative };
