/**
 * VaekitBiasGrad (see names.ts): dy [..., C] summed over all axes but the last, the bias
 * gradient of nn.conv2d and nn.conv2dTranspose.
 *  - Any backend: for dy [B, H, W, C], a Sum of [B, H·W, C] over axis 1 then over axis 0 (wasm's
 *    own Sum moves the reduced axes innermost: ~2x faster than one Sum of [B·H·W, C] over axis
 *    0); otherwise one Sum of [N, C] over axis 0.
 *  - wasm with @vaekit/native: one Sum of [N, C] over axis 0 (the native leading-axis Sum, which
 *    accumulates in float64).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { VaekitBiasGrad } from './names';
import { BackendLike, KernelFn, VaekitKernel, WasmBackendLike, release, runBackendKernel, sizeOf, kernelRunner } from './util';

/** One Sum of dy reshaped to [N, C] over axis 0. */
function leadingSum(backendName: string, backend: BackendLike, dy: tf.TensorInfo): tf.TensorInfo {
  const C = dy.shape[dy.shape.length - 1];
  if (dy.shape.length === 2) return runBackendKernel(backendName, backend, 'Sum', { x: dy }, { axis: 0, keepDims: false });
  const flat = runBackendKernel(backendName, backend, 'Reshape', { x: dy }, { shape: [sizeOf(dy.shape) / C, C] });
  const out = runBackendKernel(backendName, backend, 'Sum', { x: flat }, { axis: 0, keepDims: false });
  release(backend, flat);
  return out;
}

function generic(backendName: string): KernelFn {
  return ({ inputs, backend }) => {
    const { dy } = inputs as { dy: tf.TensorInfo };
    if (dy.shape.length !== 4) return leadingSum(backendName, backend, dy);
    const [B, H, W, C] = dy.shape;
    const run = kernelRunner(backendName, backend);
    const r = run('Reshape', { x: dy }, { shape: [B, H * W, C] });
    const s1 = run('Sum', { x: r }, { axis: 1, keepDims: false });
    const out = run('Sum', { x: s1 }, { axis: 0, keepDims: false });
    release(backend, r, s1);
    return out;
  };
}

function wasmNative(): KernelFn<WasmBackendLike> {
  return ({ inputs, backend }) => leadingSum('wasm', backend, (inputs as { dy: tf.TensorInfo }).dy);
}

export const biasGradKernel: VaekitKernel = { kernelName: VaekitBiasGrad, generic, wasmNative };
