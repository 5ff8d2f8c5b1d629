/**
 * VaekitSumSquares (see names.ts): the sum of the squares of a tensor's values, a float32 scalar;
 * the global norm of gradient clipping.
 *  - Any backend: Square, then Sum over all axes.
 *  - wasm with @vaekit/native: one pass in double (sumSquares), with no squared copy of the
 *    gradient (a text model's output layer has millions of values); the same bits on any number
 *    of threads.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitSumSquares } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, release, runBackendKernel, sizeOf } from './util';

function generic(backendName: string): KernelFn {
  return ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const sq = runBackendKernel(backendName, backend, 'Square', { x });
    const out = runBackendKernel(backendName, backend, 'Sum', { x: sq }, { axis: [...Array(x.shape.length).keys()], keepDims: false });
    release(backend, sq);
    return out;
  };
}

function wasmNative(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype !== 'float32') return fallback!(args);
    const s = native.sumSquares(args.backend.wasm.HEAPF32, sizeOf(x.shape), offsetOf(args.backend, x));
    const out = args.backend.makeOutput([], 'float32');
    args.backend.wasm.HEAPF32[offsetOf(args.backend, out)] = s;
    return out;
  };
}

export const sumSquaresKernel: VaekitKernel = { kernelName: VaekitSumSquares, generic, wasmNative };
