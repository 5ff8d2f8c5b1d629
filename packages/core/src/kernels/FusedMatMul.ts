/**
 * _FusedMatMul on wasm with @vaekit/native: the native SGEMM with the bias added (linear
 * activation only). Fused activations, prelu, biases that are not over the output columns and
 * the cases BatchMatMul.ts does not plan go to tfjs-backend-wasm's own kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { planMatMul, runGemm } from './BatchMatMul';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, sizeOf } from './util';

function wasmNative(native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs ?? {};
    const transA = !!attrs.transposeA;
    const transB = !!attrs.transposeB;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if (!a || !b || preluActivationWeights || activation !== 'linear') return fallback!(args);
    const p = planMatMul(a, b, transA, transB);
    if (!p) return fallback!(args);
    // A bias over the output columns only ([N] or [1, N] ...); other broadcasts: the wasm kernel.
    if (bias && (bias.dtype !== 'float32' || sizeOf(bias.shape) !== p.N || bias.shape[bias.shape.length - 1] !== p.N)) {
      return fallback!(args);
    }
    return runGemm(native, args.backend, p, a, b, transA, transB, bias ?? null);
  };
}

export const fusedMatMulKernel: VaekitKernel = { kernelName: '_FusedMatMul', wasmNative };
