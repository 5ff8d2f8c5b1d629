/**
 * VaekitConv2DInputGrad (see names.ts): the input gradient of a convolution, which is also the
 * transposed convolution (nn.conv2d's backward pass and nn.conv2dTranspose's forward pass).
 *  - wasm with @vaekit/native only: the windows' values dy·wᵀ on the native SGEMM, added into
 *    their places in dx (col2im): exactly the convolution's multiply-adds.
 *  - Elsewhere it is not registered, and nn's ops compute it as a sub-pixel stride-1 Conv2D.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { Conv2DInputGradAttrs, VaekitConv2DInputGrad } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

function wasmNative(native: NativeKernels): KernelFn<WasmBackendLike> {
  return ({ inputs, backend, attrs }) => {
    const { dy, w, bias } = inputs as { dy: tf.TensorInfo; w: tf.TensorInfo; bias?: tf.TensorInfo };
    const a = attrs as unknown as Conv2DInputGradAttrs;
    if (dy.dtype !== 'float32' || w.dtype !== 'float32' || dy.shape.length !== 4 || w.shape.length !== 4 || dy.shape[3] !== w.shape[3]) {
      throw new Error(`${VaekitConv2DInputGrad}: dy [${dy.shape}] and w [${w.shape}] must be float32 NHWC / HWIO with the same output channels`);
    }
    const [B, OH, OW, outC] = dy.shape;
    const [kh, kw, C] = w.shape;
    if (bias && (bias.dtype !== 'float32' || sizeOf(bias.shape) !== C)) {
      throw new Error(`${VaekitConv2DInputGrad}: bias [${bias.shape}] must be float32 with ${C} values`);
    }
    const out = backend.makeOutput([B, a.inH, a.inW, C], 'float32');
    const heap = backend.wasm.HEAPF32;
    if (sizeOf(out.shape) === 0) return out;
    if (sizeOf(dy.shape) === 0 || kh * kw === 0) {
      const o = offsetOf(backend, out);
      for (let p = 0; p < B * a.inH * a.inW; p++) for (let c = 0; c < C; c++) heap[o + p * C + c] = bias ? heap[offsetOf(backend, bias) + c] : 0;
      return out;
    }
    const geom = Int32Array.from([B, a.inH, a.inW, C, kh, kw, outC, a.strideH, a.strideW, 1, 1, a.padTop, a.padLeft, OH, OW]);
    native.conv2dInputGrad(heap, offsetOf(backend, out), offsetOf(backend, w), offsetOf(backend, dy), bias ? offsetOf(backend, bias) : -1, geom);
    return out;
  };
}

export const conv2dInputGradKernel: VaekitKernel = { kernelName: VaekitConv2DInputGrad, wasmNative };
