/**
 * Sum on wasm with @vaekit/native: over leading or trailing axes in one native pass,
 * accumulating in float64 as the cpu backend does. Inner axes, other dtypes and empty tensors go
 * to tfjs-backend-wasm's own kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

function wasmNative(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs ?? {};
    const keepDims = !!attrs.keepDims;
    const rank = x.shape.length;
    const n = sizeOf(x.shape);
    if (x.dtype !== 'float32' || rank === 0 || n === 0) return fallback!(args);
    const raw = attrs.axis == null ? [...Array(rank).keys()] : Array.isArray(attrs.axis) ? (attrs.axis as number[]) : [attrs.axis as number];
    const axes = [...new Set(raw.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    if (axes.length === 0 || axes.some((a) => a < 0 || a >= rank)) return fallback!(args);
    const k = axes.length;
    // Leading axes [0, k) or trailing axes [rank - k, rank) only; the rest: the wasm kernel.
    // All axes: as one trailing row (vectorised and split in blocks across the threads).
    const leading = k < rank && axes.every((a, i) => a === i);
    const trailing = axes.every((a, i) => a === rank - k + i);
    if (!leading && !trailing) return fallback!(args);
    const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const outer = leading ? sizeOf(x.shape.slice(0, k)) : sizeOf(x.shape.slice(0, rank - k));
    const inner = n / outer;
    const out = args.backend.makeOutput(outShape, 'float32');
    native.sum(args.backend.wasm.HEAPF32, outer, inner, offsetOf(args.backend, x), offsetOf(args.backend, out), leading);
    return out;
  };
}

export const sumKernel: VaekitKernel = { kernelName: 'Sum', wasmNative };
