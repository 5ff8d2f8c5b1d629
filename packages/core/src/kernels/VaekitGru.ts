/**
 * VaekitGruForward and VaekitGruBackward (see names.ts): a GRU layer's whole recurrence, forward
 * and backward, as @vaekit/native's gruForward / gruBackward (per step the pool's SGEMM and AVX2
 * gates) reading and writing tensors in place on the wasm heap: no copies of the projections,
 * states and gates out of the heap and back, and no garbage of that size per step. Registered only
 * for wasm with the addon; elsewhere layers/recurrent.ts runs its typed-array loops.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitGruBackward, VaekitGruForward } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, release, sizeOf } from './util';

/** A float32 view of a tensor's data on the heap (after every allocation: the heap may have moved). */
function view(backend: WasmBackendLike, t: tf.TensorInfo): Float32Array {
  const heap = backend.wasm.HEAPF32;
  const off = offsetOf(backend, t);
  return heap.subarray(off, off + sizeOf(t.shape));
}

function forward(native: NativeKernels): KernelFn<WasmBackendLike> {
  return ({ inputs, backend, attrs }) => {
    const { proj, h0, wHh, bHh, mask } = inputs as Record<string, tf.TensorInfo>;
    const B = h0.shape[0];
    const H = wHh.shape[0];
    const T = proj.shape[0] / B;
    const hs = backend.makeOutput([T * B, H], 'float32');
    const hPrev = backend.makeOutput([T * B, H], 'float32');
    const act = backend.makeOutput([T * B, 4 * H], 'float32');
    const h = backend.makeOutput([B, H], 'float32');
    const hv = view(backend, h);
    hv.set(view(backend, h0));
    native.gruForward(B, T, H, view(backend, proj), hv, view(backend, wHh), view(backend, bHh), view(backend, mask), !!attrs?.reverse,
      view(backend, hs), view(backend, hPrev), view(backend, act));
    release(backend, h);
    return [hs, hPrev, act];
  };
}

function backward(native: NativeKernels): KernelFn<WasmBackendLike> {
  return ({ inputs, backend, attrs }) => {
    const { dy, wHh, mask, hPrev, act } = inputs as Record<string, tf.TensorInfo>;
    const H = wHh.shape[0];
    const TB = hPrev.shape[0];
    const B = Number(attrs?.batch);
    const T = TB / B;
    const dh = backend.makeOutput([B, H], 'float32');
    const dGx = backend.makeOutput([TB, 3 * H], 'float32');
    const dGh = backend.makeOutput([TB, 3 * H], 'float32');
    for (const t of [dh, dGx, dGh]) view(backend, t).fill(0);
    native.gruBackward(B, T, H, view(backend, dy), view(backend, wHh), view(backend, mask), !!attrs?.reverse,
      view(backend, hPrev), view(backend, act), view(backend, dh), view(backend, dGx), view(backend, dGh));
    return [dh, dGx, dGh];
  };
}

export const gruForwardKernel: VaekitKernel = { kernelName: VaekitGruForward, wasmNative: (native) => forward(native) };
export const gruBackwardKernel: VaekitKernel = { kernelName: VaekitGruBackward, wasmNative: (native) => backward(native) };
