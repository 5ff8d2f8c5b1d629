/**
 * Transpose on wasm (with or without @vaekit/native): a permutation that keeps the data's order
 * (the identity, or one that moves only axes of size 1, as tf.gather's gradient asks for on
 * axis 0) shares its input's data instead of copying it (wasm's copies: ~1 ms for a
 * [10003, 128] embedding gradient). Every other permutation goes to wasm's own kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, VaekitKernel, WasmBackendLike } from './util';

/** Whether permuting axes of `shape` by `perm` leaves the values in the same order. */
function keepsOrder(shape: readonly number[], perm: readonly number[]): boolean {
  let last = -1;
  for (const axis of perm) {
    if (shape[axis] === 1) continue;
    if (axis < last) return false;
    last = axis;
  }
  return true;
}

function wasm(fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const perm = (args.attrs as { perm: number[] }).perm;
    if (x.dtype === 'string' || perm.length !== x.shape.length || !keepsOrder(x.shape, perm)) return fallback!(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: perm.map((a) => x.shape[a]), dtype: x.dtype };
  };
}

export const transposeKernel: VaekitKernel = { kernelName: 'Transpose', wasm };
