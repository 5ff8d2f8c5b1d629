/**
 * VaekitBernoulliNll and VaekitBernoulliNllGrad (see names.ts): the Bernoulli likelihood of an
 * image model's output, in one kernel each way instead of the ~12 element-wise kernels of
 * softplus(l) − x·l summed per row and its autodiff.
 *  - Any backend: Softplus, Multiply, Sub and Sum; Sigmoid, Sub and a broadcast Multiply.
 *  - wasm with @vaekit/native: one AVX2 pass each over the rows, split across the kernel threads.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitBernoulliNll, VaekitBernoulliNllGrad } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, release, kernelRunner } from './util';

function checkShapes(name: string, logits: tf.TensorInfo, x: tf.TensorInfo): [number, number] {
  if (logits.shape.length !== 2 || x.shape.length !== 2 || logits.shape[0] !== x.shape[0] || logits.shape[1] !== x.shape[1]) {
    throw new Error(`${name}: logits and x must both be [B, D], got [${logits.shape}] and [${x.shape}]`);
  }
  return [logits.shape[0], logits.shape[1]];
}

function genericForward(backendName: string): KernelFn {
  return ({ inputs, backend }) => {
    const { logits, x } = inputs as { logits: tf.TensorInfo; x: tf.TensorInfo };
    checkShapes(VaekitBernoulliNll, logits, x);
    const run = kernelRunner(backendName, backend);
    const sp = run('Softplus', { x: logits });
    const xl = run('Multiply', { a: x, b: logits });
    const terms = run('Sub', { a: sp, b: xl });
    const out = run('Sum', { x: terms }, { axis: [1], keepDims: false });
    release(backend, sp, xl, terms);
    return out;
  };
}

function genericGrad(backendName: string): KernelFn {
  return ({ inputs, backend }) => {
    const { dy, logits, x } = inputs as { dy: tf.TensorInfo; logits: tf.TensorInfo; x: tf.TensorInfo };
    const [B] = checkShapes(VaekitBernoulliNllGrad, logits, x);
    const run = kernelRunner(backendName, backend);
    const sg = run('Sigmoid', { x: logits });
    const diff = run('Sub', { a: sg, b: x });
    const col = run('Reshape', { x: dy }, { shape: [B, 1] });
    const out = run('Multiply', { a: col, b: diff });
    release(backend, sg, diff, col);
    return out;
  };
}

function nativeForward(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { logits, x } = args.inputs as { logits: tf.TensorInfo; x: tf.TensorInfo };
    const [B, D] = checkShapes(VaekitBernoulliNll, logits, x);
    if (logits.dtype !== 'float32' || x.dtype !== 'float32' || B === 0 || D === 0) return fallback!(args);
    const out = args.backend.makeOutput([B], 'float32');
    const b = args.backend;
    native.bernoulliNll(b.wasm.HEAPF32, B, D, offsetOf(b, logits), offsetOf(b, x), offsetOf(b, out));
    return out;
  };
}

function nativeGrad(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { dy, logits, x } = args.inputs as { dy: tf.TensorInfo; logits: tf.TensorInfo; x: tf.TensorInfo };
    const [B, D] = checkShapes(VaekitBernoulliNllGrad, logits, x);
    if (logits.dtype !== 'float32' || x.dtype !== 'float32' || dy.dtype !== 'float32' || B === 0 || D === 0) return fallback!(args);
    const out = args.backend.makeOutput([B, D], 'float32');
    const b = args.backend;
    native.bernoulliNllGrad(b.wasm.HEAPF32, B, D, offsetOf(b, dy), offsetOf(b, logits), offsetOf(b, x), offsetOf(b, out));
    return out;
  };
}

export const bernoulliNllKernel: VaekitKernel = { kernelName: VaekitBernoulliNll, generic: genericForward, wasmNative: nativeForward };
export const bernoulliNllGradKernel: VaekitKernel = { kernelName: VaekitBernoulliNllGrad, generic: genericGrad, wasmNative: nativeGrad };
