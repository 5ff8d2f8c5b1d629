/**
 * Identity on wasm (with or without @vaekit/native): shares its input's data instead of copying
 * it, as wasm's Reshape and the cpu backend's Identity do. Strings go to wasm's own kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, VaekitKernel, WasmBackendLike } from './util';

function wasm(fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    if (x.dtype === 'string') return fallback!(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

export const identityKernel: VaekitKernel = { kernelName: 'Identity', wasm };
