/**
 * VaekitAdam (see names.ts) on wasm with @vaekit/native: the fused Adam update of every variable
 * of a step in one native call (x_i, m_i, v_i, g_i -> x_i', with m_i and v_i updated in place)
 * instead of tf.train.adam's ~12 kernels per variable, and without two new moment tensors per
 * variable and step. The variables' values are cut into chunks that the threads share, so small
 * variables ride along with large ones. The same float32 operations in the same order as
 * tf.train.adam, so bit-identical to it. No other backend registers it, and FusedAdam
 * (train/optimizer.ts) is then tf.train.adam.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { AdamKernelAttrs, VaekitAdam } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

function wasmNative(native: NativeKernels): KernelFn<WasmBackendLike> {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AdamKernelAttrs;
    const count = a.count ?? 1;
    const named = inputs as Record<string, tf.TensorInfo>;
    const vars: Array<{ x: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; g: tf.TensorInfo }> = [];
    for (let i = 0; i < count; i++) {
      const [x, m, v, g] = ['x', 'm', 'v', 'g'].map((k) => named[`${k}${i}`]);
      if (!x || !m || !v || !g) throw new Error(`${VaekitAdam}: inputs x${i}, m${i}, v${i} and g${i} are required (count ${count})`);
      for (const t of [x, m, v, g]) {
        if (t.dtype !== 'float32') throw new Error(`${VaekitAdam}: float32 tensors only, got ${t.dtype}`);
      }
      const n = sizeOf(x.shape);
      if (sizeOf(m.shape) !== n || sizeOf(v.shape) !== n || sizeOf(g.shape) !== n) {
        throw new Error(`${VaekitAdam}: x${i}, m${i}, v${i}, g${i} must have the same size`);
      }
      vars.push({ x, m, v, g });
    }
    const outs = vars.map(({ x }) => backend.makeOutput([...x.shape], 'float32'));
    // [n, x, m, v, g, x'] per variable, as float indices into the heap (after every allocation:
    // the heap may have grown). m and v are written in place (each value is read before it is written).
    const spec = new Float64Array(6 * count);
    vars.forEach(({ x, m, v, g }, i) => {
      spec.set([sizeOf(x.shape), ...[x, m, v, g, outs[i]].map((t) => offsetOf(backend, t))], 6 * i);
    });
    native.adamMany(backend.wasm.HEAPF32, spec, a.lr, a.beta1, a.beta2, a.epsilon, a.c1, a.c2, a.gradScale ?? 1);
    return outs;
  };
}

export const adamKernel: VaekitKernel = { kernelName: VaekitAdam, wasmNative };
