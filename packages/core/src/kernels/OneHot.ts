/**
 * OneHot on wasm: tfjs-backend-wasm 4.22's kernel writes int32 values whatever `dtype` asks, so a
 * float32 one-hot reads as 1.4e-45 for each 1 (tf.oneHot(ids, V, 1, 0, 'float32') is how a
 * cross-entropy's gradient is written). For float32 this one fills the output itself.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, offsetOf, sizeOf, VaekitKernel, WasmBackendLike } from './util';

interface OneHotAttrs {
  dtype?: tf.DataType;
  depth: number;
  onValue: number;
  offValue: number;
}

function wasm(fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { dtype, depth, onValue, offValue } = args.attrs as unknown as OneHotAttrs;
    if (dtype !== 'float32') {
      if (!fallback) throw new Error('OneHot (vaekit, wasm): tfjs-backend-wasm has no OneHot kernel');
      return fallback(args);
    }
    const { indices } = args.inputs as { indices: tf.TensorInfo };
    const backend = args.backend as WasmBackendLike & { readSync(dataId: object): ArrayLike<number> };
    const ids = backend.readSync(indices.dataId);
    const out = backend.makeOutput([...indices.shape, depth], 'float32');
    const n = sizeOf(indices.shape);
    const values = backend.wasm.HEAPF32.subarray(offsetOf(backend, out), offsetOf(backend, out) + n * depth);
    values.fill(offValue);
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (id >= 0 && id < depth) values[i * depth + id] = onValue;
    }
    return out;
  };
}

export const oneHotKernel: VaekitKernel = { kernelName: 'OneHot', wasm };
