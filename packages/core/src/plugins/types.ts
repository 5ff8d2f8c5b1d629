import type * as tf from '@tensorflow/tfjs-core';
import type { DecodeContext, SequenceData, Vocabulary } from '../sequence/types';
import type { PropertyStats } from '../model/property';

/**
 * What every model part needs to know about the data it is fitted to.
 * `shape` is the shape of one example: [H, W, C] for images, [D] for vectors.
 * Tensors passed between parts are always flat, [batch, prod(shape)].
 */
export interface DataInfo {
  shape: number[];
  /** Smallest and largest value seen in the training split. */
  min: number;
  max: number;
  /**
   * Token sequences instead of fixed-size vectors (see sequence/types.ts): `shape` is then [] and
   * the batches are int32 token ids [batch, T]; `vocabSize` counts the 4 special tokens.
   */
  sequence?: { vocabSize: number };
  /**
   * Per-example properties to predict jointly (model.property): their names and the training
   * split's mean and sd; the splits then carry `targets`.
   */
  properties?: PropertyStats;
}

/** A split of a dataset held in memory as one flat Float32Array, row-major [n, dim]. */
export interface DataSplit {
  x: Float32Array;
  n: number;
  dim: number;
  labels?: Int32Array;
  /** Sequence data: the token ids (then `x` is empty and `dim` is 0). */
  seq?: SequenceData;
  /** Properties of each example in original units, [n, k] row-major, NaN where unknown (see DataInfo.properties). */
  targets?: Float32Array;
}

/** The product of a dataset plugin. */
export interface Dataset {
  name: string;
  info: DataInfo;
  train: DataSplit;
  validation: DataSplit;
  test: DataSplit;
  /** How a batch is turned into model input each time it is drawn. */
  binarize: 'none' | 'static' | 'dynamic';
  /** Sequence data: the vocabulary built from the training split (or the checkpoint's). */
  vocab?: Vocabulary;
}

/** Anything that owns trainable weights. Weight names are stable so checkpoints can find them. */
export interface HasWeights {
  /** Trainable variables, in a fixed order. */
  weights(): tf.Variable[];
}

/** x → the mean and log-variance of a diagonal Gaussian q(z|x). */
export interface Encoder extends HasWeights {
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D };
}

/**
 * z → the parameters of p(x|z), flat [batch, dim]. Autoregressive decoders also take the batch x
 * (teacher forcing) and return [batch, (T−1)·V] logits; other decoders ignore x and ctx.
 */
export interface Decoder extends HasWeights {
  decode(z: tf.Tensor2D, x?: tf.Tensor2D, ctx?: DecodeContext): tf.Tensor2D;
}

/** A likelihood p(x|z) parameterised by the decoder's output. */
export interface Loss {
  /** Negative log-likelihood per example, in nats: [batch]. */
  nll(x: tf.Tensor2D, params: tf.Tensor2D): tf.Tensor1D;
  /** The mean of p(x|z), in data space, for pictures: [batch, dim]. */
  mean(params: tf.Tensor2D): tf.Tensor2D;
  /** Throws a PluginError when the data cannot be modelled by this likelihood. */
  checkData?(info: DataInfo): void;
}

/** What a plugin's factory gets to fit into the model. */
export interface PluginContext {
  /** Shape of one example. */
  dataShape: number[];
  latentDim: number;
  /** Seed for weight initialisation. */
  seed: number;
  /** The config path of this plugin's options, such as "model.encoder", for messages. */
  path: string;
  /** Folder that relative file paths in options are resolved against. */
  baseDir: string;
  /** Sequence data: the vocabulary size (4 specials included). */
  vocabSize?: number;
  /** For a decoder plugin: the model's encoder, built first (a text decoder may share its token embedding). */
  encoder?: Encoder;
  /**
   * For a dataset plugin: a vocabulary to use as is (the checkpoint's, when scoring or
   * generating later) instead of building one from the training split.
   */
  vocabulary?: Vocabulary;
}

export type PluginKind = 'encoder' | 'decoder' | 'loss' | 'dataset';

export interface PluginProducts {
  encoder: Encoder;
  decoder: Decoder;
  loss: Loss;
  dataset: Dataset;
}

/** A plugin is a plain object; third parties export these from npm packages. */
export interface Plugin<K extends PluginKind = PluginKind, O = any> {
  kind: K;
  name: string;
  /** JSON Schema of the options object (the config block minus `use`). */
  optionsSchema: object;
  /** One line saying what it is. */
  description?: string;
  create(options: O, context: PluginContext): PluginProducts[K] | Promise<PluginProducts[K]>;
}

/** A mistake in what the user asked for: shown as one short paragraph, never a stack trace (exit code 2). */
export { ConfigError } from '@vaekit/study';
/** Untrusted text as printed in messages: control and bidi characters escaped (see @vaekit/study). */
export { printable } from '@vaekit/study';
