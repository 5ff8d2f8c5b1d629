/**
 * What the native Add and Multiply kernels share: float32 tensors of one shape, or a tensor and a
 * one-element tensor (a scalar, or [1], [1, 1] ... of no larger rank) on either side, go to one
 * native pass (`native.add` / `native.mul`: exactly rounded float operations, so the values of
 * wasm's own kernel); other dtypes and broadcasts go to wasm's kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { KernelFn, NativeKernels, WasmBackendLike, offsetOf, sizeOf } from './util';

type NativeBinary = (heap: Float32Array, n: number, aOff: number, bOff: number, yOff: number, scalar: boolean) => void;

/** A commutative element-wise kernel on `op` (native.add or native.mul), or `fallback` when the addon predates it. */
export function commutativeOnNative(
  native: NativeKernels,
  op: 'add' | 'mul',
  fallback: KernelFn<WasmBackendLike> | undefined,
): KernelFn<WasmBackendLike> {
  const f = native[op] as NativeBinary | undefined;
  if (typeof f !== 'function') return fallback!;
  return (args) => {
    const { a, b } = args.inputs as Record<string, tf.TensorInfo>;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback!(args);
    // The tensor and the one-element operand; either may come first (the operation commutes).
    let x = a;
    let y = b;
    let scalar = false;
    if (!tf.util.arraysEqual(a.shape, b.shape)) {
      if (sizeOf(b.shape) === 1 && b.shape.length <= a.shape.length) scalar = true;
      else if (sizeOf(a.shape) === 1 && a.shape.length <= b.shape.length) [x, y, scalar] = [b, a, true];
      else return fallback!(args);
    }
    const n = sizeOf(x.shape);
    if (n === 0) return fallback!(args);
    const out = args.backend.makeOutput([...x.shape], 'float32');
    f.call(native, args.backend.wasm.HEAPF32, n, offsetOf(args.backend, x), offsetOf(args.backend, y), offsetOf(args.backend, out), scalar);
    return out;
  };
}
