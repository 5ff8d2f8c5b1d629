/**
 * Softplus on wasm with @vaekit/native: AVX2 exp/log (~1e-7 relative error) instead of wasm's
 * scalar kernel. Other dtypes and empty tensors go to tfjs-backend-wasm's own kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

function wasmNative(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const n = sizeOf(x.shape);
    if (x.dtype !== 'float32' || n === 0) return fallback!(args);
    const out = args.backend.makeOutput([...x.shape], 'float32');
    native.softplus(args.backend.wasm.HEAPF32, n, offsetOf(args.backend, x), offsetOf(args.backend, out));
    return out;
  };
}

export const softplusKernel: VaekitKernel = { kernelName: 'Softplus', wasmNative };
