/**
 * Add on wasm with @vaekit/native for float32 tensors of one shape, or a tensor and a one-element
 * tensor (the gradients the tape sums, a loss's terms): one AVX2 pass split across the kernel
 * threads. A float add is exactly rounded, so the values are those of wasm's kernel. Other dtypes
 * and broadcasts go to wasm's own kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function wasmNative(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  // An addon built before add existed: wasm's own kernel.
  if (typeof native.add !== 'function') return fallback!;
  return (args) => {
    const { a, b } = args.inputs as Record<string, tf.TensorInfo>;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback!(args);
    // The tensor and the one-element operand (a scalar, or [1], [1, 1] of no larger rank).
    let x = a;
    let y = b;
    let scalar = false;
    if (!sameShape(a.shape, b.shape)) {
      if (sizeOf(b.shape) === 1 && b.shape.length <= a.shape.length) scalar = true;
      else if (sizeOf(a.shape) === 1 && a.shape.length <= b.shape.length) [x, y, scalar] = [b, a, true];
      else return fallback!(args);
    }
    const n = sizeOf(x.shape);
    if (n === 0) return fallback!(args);
    const out = args.backend.makeOutput([...x.shape], 'float32');
    native.add(args.backend.wasm.HEAPF32, n, offsetOf(args.backend, x), offsetOf(args.backend, y), offsetOf(args.backend, out), scalar);
    return out;
  };
}

export const addKernel: VaekitKernel = { kernelName: 'Add', wasmNative };
