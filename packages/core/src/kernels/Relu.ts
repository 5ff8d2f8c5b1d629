/**
 * Relu on wasm with @vaekit/native: one AVX2 pass split across the kernel threads (wasm's own
 * kernel is a scalar loop on one thread). Other dtypes and empty tensors go to wasm's kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

function wasmNative(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  // An addon built before relu existed: wasm's own kernel.
  if (typeof native.relu !== 'function') return fallback!;
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const n = sizeOf(x.shape);
    if (x.dtype !== 'float32' || n === 0) return fallback!(args);
    const out = args.backend.makeOutput([...x.shape], 'float32');
    native.relu(args.backend.wasm.HEAPF32, n, offsetOf(args.backend, x), offsetOf(args.backend, out));
    return out;
  };
}

export const reluKernel: VaekitKernel = { kernelName: 'Relu', wasmNative };
