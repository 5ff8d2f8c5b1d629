/**
 * VaekitConv2DFilterGrad (see names.ts): the filter gradient of a convolution, used by nn.conv2d
 * and nn.conv2dTranspose.
 *  - Any backend: one stride-1 Conv2D, dilated by the stride, of xᵀ [C, H, W, B] (batch and
 *    channels swapped) with dyᵀ [OH, OW, B, outC] as its "filter", giving [C, kh', kw', outC]
 *    (kh' ≥ kh when x has rows the forward convolution never reads: sliced off), then transposed
 *    to [kh, kw, C, outC]. Needs no Conv2DBackpropFilter kernel (wasm has none).
 *  - wasm with @vaekit/native: im2col(x)ᵀ·dy on the native SGEMM.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { Conv2DFilterGradAttrs, VaekitConv2DFilterGrad } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, release, sizeOf, kernelRunner } from './util';

function generic(backendName: string): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as Conv2DFilterGradAttrs;
    const [, H, W, C] = x.shape;
    const [, OH, OW, outC] = dy.shape;
    const run = kernelRunner(backendName, backend);
    // Rows of the padded input that the forward convolution reads: (out - 1)·stride + k.
    const padBottom = Math.max(0, (OH - 1) * a.strideH + a.kh - a.padTop - H);
    const padRight = Math.max(0, (OW - 1) * a.strideW + a.kw - a.padLeft - W);
    const xt = run('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [C, H, W, B]
    const dyt = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, B, outC]
    const pad = [[0, 0], [a.padTop, padBottom], [a.padLeft, padRight], [0, 0]];
    const convAttrs = { strides: 1, pad, dataFormat: 'NHWC', dilations: [a.strideH, a.strideW], dimRoundingMode: undefined };
    let r = run('Conv2D', { x: xt, filter: dyt }, convAttrs as unknown as tf.NamedAttrMap);
    release(backend, xt, dyt);
    if (r.shape[1] !== a.kh || r.shape[2] !== a.kw) {
      const full = r;
      r = run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [C, a.kh, a.kw, outC] });
      release(backend, full);
    }
    const out = run('Transpose', { x: r }, { perm: [1, 2, 0, 3] }); // [kh, kw, C, outC]
    release(backend, r);
    return out;
  };
}

function wasmNative(native: NativeKernels): KernelFn<WasmBackendLike> {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as Conv2DFilterGradAttrs;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.shape.length !== 4 || dy.shape.length !== 4 || x.shape[0] !== dy.shape[0]) {
      throw new Error(`${VaekitConv2DFilterGrad}: x [${x.shape}] and dy [${dy.shape}] must be float32 NHWC with the same batch`);
    }
    const [B, H, W, C] = x.shape;
    const [, OH, OW, outC] = dy.shape;
    const out = backend.makeOutput([a.kh, a.kw, C, outC], 'float32');
    if (sizeOf(x.shape) === 0 || sizeOf(dy.shape) === 0) {
      backend.wasm.HEAPF32.fill(0, offsetOf(backend, out), offsetOf(backend, out) + a.kh * a.kw * C * outC);
      return out;
    }
    const geom = Int32Array.from([B, H, W, C, a.kh, a.kw, outC, a.strideH, a.strideW, 1, 1, a.padTop, a.padLeft, OH, OW]);
    native.conv2dFilterGrad(backend.wasm.HEAPF32, offsetOf(backend, x), offsetOf(backend, out), offsetOf(backend, dy), -1, geom);
    return out;
  };
}

export const conv2dFilterGradKernel: VaekitKernel = { kernelName: VaekitConv2DFilterGrad, generic, wasmNative };
