/**
 * VaekitReluGrad (see names.ts): relu's gradient dy · step(x).
 *  - Any backend: Step of x (alpha 0, in float32), then Multiply by dy, as tfjs's own gradient does.
 *  - wasm with @vaekit/native: one AVX2 pass split across the kernel threads, the same float
 *    multiply per element (the same bits).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitReluGrad } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, release, runBackendKernel, sizeOf } from './util';

function generic(backendName: string): KernelFn {
  return ({ inputs, backend }) => {
    const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const step = runBackendKernel(backendName, backend, 'Step', { x }, { alpha: 0 });
    // As tfjs's gradient: the step in float32 whatever x's dtype.
    const stepF = step.dtype === 'float32' ? step : runBackendKernel(backendName, backend, 'Cast', { x: step }, { dtype: 'float32' });
    const out = runBackendKernel(backendName, backend, 'Multiply', { a: dy, b: stepF });
    release(backend, ...(stepF === step ? [step] : [step, stepF]));
    return out;
  };
}

function wasmNative(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const n = sizeOf(x.shape);
    if (dy.dtype !== 'float32' || x.dtype !== 'float32' || sizeOf(dy.shape) !== n || n === 0) return fallback!(args);
    const out = args.backend.makeOutput([...x.shape], 'float32');
    native.reluGrad(args.backend.wasm.HEAPF32, n, offsetOf(args.backend, dy), offsetOf(args.backend, x), offsetOf(args.backend, out));
    return out;
  };
}

export const reluGradKernel: VaekitKernel = { kernelName: VaekitReluGrad, generic, wasmNative };
