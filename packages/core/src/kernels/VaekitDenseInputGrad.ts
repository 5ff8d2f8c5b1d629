/**
 * VaekitDenseInputGrad (see names.ts): dx = dy·wᵀ for nn.dense.
 *  - Any backend: an explicit Transpose and a plain MatMul (a transposed MatMul runs ~10x slower
 *    on wasm's own kernel), as matMul(dy, wᵀ) or (w·dyᵀ)ᵀ, whichever moves less data (the
 *    transposes and the right-hand operand, which XNNPACK repacks on every call).
 *  - wasm with @vaekit/native: one BatchMatMul with transposeB (the native SGEMM reads
 *    transposed operands at no extra cost).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitDenseInputGrad } from './names';
import { KernelFn, VaekitKernel, WasmBackendLike, release, runBackendKernel, kernelRunner } from './util';

function generic(backendName: string): KernelFn {
  return ({ inputs, backend }) => {
    const { dy, w } = inputs as { dy: tf.TensorInfo; w: tf.TensorInfo };
    const [batch, outDim] = dy.shape;
    const inDim = w.shape[0];
    const run = kernelRunner(backendName, backend);
    const plain = { transposeA: false, transposeB: false };
    if (2 * batch * outDim + inDim * batch < 2 * inDim * outDim) {
      const dyt = run('Transpose', { x: dy }, { perm: [1, 0] });
      const p = run('BatchMatMul', { a: w, b: dyt }, plain);
      const out = run('Transpose', { x: p }, { perm: [1, 0] });
      release(backend, dyt, p);
      return out;
    }
    const wt = run('Transpose', { x: w }, { perm: [1, 0] });
    const out = run('BatchMatMul', { a: dy, b: wt }, plain);
    release(backend, wt);
    return out;
  };
}

function wasmNative(): KernelFn<WasmBackendLike> {
  return ({ inputs, backend }) => {
    const { dy, w } = inputs as { dy: tf.TensorInfo; w: tf.TensorInfo };
    return runBackendKernel('wasm', backend, 'BatchMatMul', { a: dy, b: w }, { transposeA: false, transposeB: true });
  };
}

export const denseInputGradKernel: VaekitKernel = { kernelName: VaekitDenseInputGrad, generic, wasmNative };
