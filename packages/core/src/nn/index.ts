export { dense, conv2d, conv2dTranspose, conv2dOutputSize, conv2dTransposeOutputSize } from './ops';
export type { Conv2DPad, Conv2DStrides, NnOpOptions } from './ops';
export * from './crossEntropy';
