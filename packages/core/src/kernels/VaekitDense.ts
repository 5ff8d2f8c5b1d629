/**
 * VaekitDense (see names.ts): y = x·w (+ bias), nn.dense's forward pass, as one kernel.
 *  - Any backend: what tf.fused.matMul runs, without its tape and tensors: x and w reshaped to
 *    one batch, _FusedMatMul (BatchMatMul without a bias), and the product reshaped back.
 *  - wasm with @vaekit/native: the native SGEMM with the bias added, on the 2-D tensors as they
 *    are (three Reshape kernels fewer per layer and step).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitDense } from './names';
import { planMatMul, runGemm } from './BatchMatMul';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, kernelRunner, release, sizeOf } from './util';

function generic(backendName: string): KernelFn {
  return ({ inputs, backend }) => {
    const { x, w, bias } = inputs as { x: tf.TensorInfo; w: tf.TensorInfo; bias?: tf.TensorInfo };
    const run = kernelRunner(backendName, backend);
    const a = run('Reshape', { x }, { shape: [1, ...x.shape] });
    const b = run('Reshape', { x: w }, { shape: [1, ...w.shape] });
    const attrs = { transposeA: false, transposeB: false };
    const y = bias ? run('_FusedMatMul', { a, b, bias }, { ...attrs, activation: 'linear' }) : run('BatchMatMul', { a, b }, attrs);
    const out = run('Reshape', { x: y }, { shape: [x.shape[0], w.shape[1]] });
    release(backend, a, b, y);
    return out;
  };
}

function wasmNative(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { x, w, bias } = args.inputs as { x: tf.TensorInfo; w: tf.TensorInfo; bias?: tf.TensorInfo };
    const p = planMatMul(x, w, false, false);
    if (!p || x.shape.length !== 2 || (bias && (bias.dtype !== 'float32' || sizeOf(bias.shape) !== p.N))) return fallback!(args);
    return runGemm(native, args.backend, p, x, w, false, false, bias ?? null);
  };
}

export const denseKernel: VaekitKernel = { kernelName: VaekitDense, generic, wasmNative };
