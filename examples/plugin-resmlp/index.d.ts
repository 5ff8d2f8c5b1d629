import type { Encoder, Plugin, Rng, Activation } from '@vaekit/core';
import type * as tf from '@tensorflow/tfjs-core';

export interface ResMlpEncoderOptions {
  width: number;
  blocks: number;
  residualScale: number;
  activation: Activation;
}

export declare class ResMlpEncoder implements Encoder {
  constructor(inDim: number, latentDim: number, options: ResMlpEncoderOptions, rng: Rng);
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D };
  weights(): tf.Variable[];
}

export declare const resmlpEncoder: Plugin<'encoder', ResMlpEncoderOptions>;
export declare const plugins: Plugin[];
