// Autodiff needs gradients registered in tfjs-core's kernel registry: tfjs-core's CommonJS entry has
// none, the @tensorflow/tfjs bundle registers them all when loaded.
import '@tensorflow/tfjs';
export * from './plugins/types';
export * from './plugins/registry';
export * from './math/rng';
export * from './math/reparameterize';
export * from './math/kl';
export * from './math/schedules';
export * from './model/vae';
export * from './data/batches';
export * from './eval/evaluate';
export * from './train/optimizer';
export * from './train/trainer';
export * from './train/yield';
export * from './checkpoint/fileHandler';
export * from './checkpoint/checkpoint';
export * from './backend/select';
export { installWasmKernels, wasmKernelsInstalled, loadNative, registerGenericKernels, ADAM_KERNEL } from './kernels';
export type { NativeKernels, AdamKernelAttrs, Conv2DFilterGradAttrs } from './kernels';
export { VaekitAdam, VaekitConv2DFilterGrad, VaekitDenseInputGrad, VaekitDenseFilterGrad, VaekitBiasGrad } from './kernels';
export * from './layers/layers';
export * as ops from './nn';
export * from './config';
export * from "./build/build";
export * from './layers/schemas';
export * from './eval/score';
export * from './eval/metrics';
export * from './train/fromConfig';
