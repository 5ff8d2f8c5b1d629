/**
 * Conv2D on wasm with @vaekit/native: NHWC, any stride / dilation / padding, as im2col + the
 * native SGEMM (wasm's XNNPACK convolution reaches ~10 GFLOP/s on the dilated convolutions of a
 * filter gradient). NCHW and other dtypes go to tfjs-backend-wasm's own kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

/** The native convolution; `fused` also takes FusedConv2D's bias (linear activation only). */
export function nativeConv2D(native: NativeKernels, fallback: KernelFn<WasmBackendLike>, fused: boolean): KernelFn<WasmBackendLike> {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs ?? {};
    if (!x || !filter || x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) {
      return fallback(args);
    }
    if (fused && (preluActivationWeights || ((attrs.activation as string | undefined) ?? 'linear') !== 'linear')) return fallback(args);
    const dataFormat = (attrs.dataFormat as string | undefined) ?? 'NHWC';
    if (dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides as number | [number, number],
      (attrs.dilations as number | [number, number] | undefined) ?? 1,
      attrs.pad as 'same' | 'valid' | number | tf.backend_util.ExplicitPadding,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    );
    if (info.batchSize * info.outHeight * info.outWidth * info.outChannels === 0 || info.inChannels === 0) return fallback(args);
    if (bias && (bias.dtype !== 'float32' || sizeOf(bias.shape) !== info.outChannels || bias.shape[bias.shape.length - 1] !== info.outChannels)) {
      return fallback(args);
    }
    const out = args.backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
    const geom = Int32Array.from([
      info.batchSize, info.inHeight, info.inWidth, info.inChannels,
      info.filterHeight, info.filterWidth, info.outChannels,
      info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
      info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth,
    ]);
    native.conv2d(
      args.backend.wasm.HEAPF32,
      offsetOf(args.backend, x),
      offsetOf(args.backend, filter),
      offsetOf(args.backend, out),
      bias ? offsetOf(args.backend, bias) : -1,
      geom,
    );
    return out;
  };
}

export const conv2DKernel: VaekitKernel = {
  kernelName: 'Conv2D',
  wasmNative: (native, fallback) => nativeConv2D(native, fallback!, false),
};
