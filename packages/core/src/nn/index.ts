export { dense, conv2d, conv2dTranspose } from './ops';
export type { Conv2DPad, Conv2DStrides, NnOpOptions } from './ops';
