/**
 * FusedConv2D on wasm with @vaekit/native: the native convolution of Conv2D.ts with the bias
 * added (linear activation only); fused activations and prelu go to tfjs-backend-wasm's own kernel.
 */
import { nativeConv2D } from './Conv2D';
import { VaekitKernel } from './util';

export const fusedConv2DKernel: VaekitKernel = {
  kernelName: 'FusedConv2D',
  wasmNative: (native, fallback) => nativeConv2D(native, fallback!, true),
};
