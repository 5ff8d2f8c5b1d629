import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, Plugin, PluginContext, PluginKind, PluginProducts } from '../plugins/types';
import { ConfigError } from '../plugins/types';
import { PluginRegistry } from '../plugins/registry';
import { isAutoregressive, VAE } from '../model/vae';
import { PropertyHead } from '../model/property';
import { Rng } from '../math/rng';
import { BOS_ID, EOS_ID, PAD_ID } from '../sequence/types';
import { hasWeightBudget, MAX_MODEL_WEIGHTS, withWeightBudget } from './budget';
import type { PluginBlock, PropertyConfig } from '../config/types';
import { CheckpointError } from '../checkpoint/fileHandler';


/** The parts of a config needed to build a model; a validated TrainConfig has them. */
export interface ModelSpec {
  latentDim: number;
  encoder: PluginBlock;
  decoder: PluginBlock;
  loss: PluginBlock;
  /** Joint property prediction; needs the data's property statistics (DataInfo.properties). */
  property?: PropertyConfig;
}

export interface BuildContext {
  registry: PluginRegistry;
  /** Validates a plugin's options against its schema and fills defaults; throws a ConfigError. */
  validateOptions: (schema: object, value: unknown, where: { file?: string; path: string }) => any;
  file?: string;
  baseDir: string;
  seed: number;
}

/** Resolves a plugin block, validates its options and creates the product. */
export async function createFromBlock<K extends PluginKind>(
  kind: K,
  block: PluginBlock,
  path: string,
  ctx: BuildContext,
  extra: Partial<PluginContext> = {},
): Promise<PluginProducts[K]> {
  const plugin: Plugin<K> = ctx.registry.resolve(kind, block.use, { path, baseDir: ctx.baseDir, file: ctx.file });
  const { use: _use, ...rest } = block;
  const options = ctx.validateOptions(plugin.optionsSchema, rest, { file: ctx.file, path });
  const context: PluginContext = { dataShape: [], latentDim: 0, seed: ctx.seed, path, baseDir: ctx.baseDir, ...extra };
  try {
    return await plugin.create(options, context);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof CheckpointError) throw e;
    throw new ConfigError(`${path}: ${kind} "${block.use}" failed: ${(e as Error).message.split('\n')[0]}`, path);
  }
}

export async function loadDataset(block: PluginBlock, ctx: BuildContext): Promise<Dataset> {
  const ds = await createFromBlock('dataset', block, 'data', ctx);
  if (ds.train.n === 0) throw new ConfigError(`data: the dataset "${block.use}" has no training examples`, 'data');
  return ds;
}

/**
 * Builds the VAE for data of the given shape and checks, before any training, that the parts fit:
 * the encoder yields [batch, latentDim] means and log-variances, the decoder yields one value per
 * data value, and the likelihood accepts the data's range.
 */
export async function buildModel(spec: ModelSpec, data: Dataset['info'], ctx: BuildContext): Promise<VAE> {
  if (hasWeightBudget()) return buildWithinBudget(spec, data, ctx);
  const tooBig = () =>
    new ConfigError(
      `${ctx.file ? ctx.file + ': ' : ''}model: the encoder and decoder the config describes would have more than ${MAX_MODEL_WEIGHTS.toLocaleString('en-US')} weights ` +
        `(check the layer widths, e.g. model.encoder.hidden)`,
      'model',
    );
  return withWeightBudget(MAX_MODEL_WEIGHTS, tooBig, () => buildWithinBudget(spec, data, ctx));
}

async function buildWithinBudget(spec: ModelSpec, data: Dataset['info'], ctx: BuildContext): Promise<VAE> {
  const base = { dataShape: data.shape, latentDim: spec.latentDim, ...(data.sequence ? { vocabSize: data.sequence.vocabSize } : {}) };
  const encoder = await createFromBlock('encoder', spec.encoder, 'model.encoder', { ...ctx, seed: ctx.seed * 3 + 1 }, base);
  const decoder = await createFromBlock('decoder', spec.decoder, 'model.decoder', { ...ctx, seed: ctx.seed * 3 + 2 }, { ...base, encoder });
  const loss = await createFromBlock('loss', spec.loss, 'model.loss', ctx, base);
  let property: PropertyHead | undefined;
  try {
    property = propertyHead(spec, data, ctx);
  } catch (e) {
    tf.dispose([...encoder.weights(), ...decoder.weights()]);
    throw e;
  }
  const model = new VAE(encoder, decoder, loss, spec.latentDim, data.shape, property);
  try {
    loss.checkData?.(data);
    if (data.sequence) checkSequenceShapes(model, data.sequence.vocabSize);
    else checkShapes(model);
  } catch (e) {
    tf.dispose(model.weights());
    throw e;
  }
  return model;
}

/** The property head model.property asks for, fitted to the data's property statistics. */
function propertyHead(spec: ModelSpec, data: Dataset['info'], ctx: BuildContext): PropertyHead | undefined {
  if (!spec.property) return undefined;
  const where = `${ctx.file ? ctx.file + ': ' : ''}model.property`;
  const stats = data.properties;
  if (!stats) {
    throw new ConfigError(`${where}: the data have no per-example properties to predict (model.property needs a text dataset with tokenizer: smiles)`, 'model.property');
  }
  if (stats.names.join(',') !== spec.property.names.join(',')) {
    throw new ConfigError(`${where}: the data's properties are [${stats.names.join(', ')}], the config asks for [${spec.property.names.join(', ')}]`, 'model.property');
  }
  return new PropertyHead(spec.latentDim, spec.property, stats, new Rng(ctx.seed * 3 + 3));
}

/**
 * For token sequences: the decoder must be autoregressive (it generates token by token) and, for
 * a batch of 2 rows of T = 4 ids, give [2, 3·V] logits; the encoder [2, latentDim].
 */
function checkSequenceShapes(model: VAE, vocabSize: number): void {
  if (!isAutoregressive(model.decoder)) {
    throw new ConfigError(
      'model.decoder: the data are token sequences, but this decoder does not generate token by token (use decoder: gru or lstm)',
      'model.decoder',
    );
  }
  const x = tf.tensor2d([BOS_ID, 4 % vocabSize, EOS_ID, PAD_ID, BOS_ID, 4 % vocabSize, 5 % vocabSize, EOS_ID], [2, 4], 'int32');
  let shapes: number[][];
  try {
    shapes = tf.tidy(() => {
      const e = model.encoder.encode(x);
      return [e.mean.shape, e.logVar.shape, model.decoder.decode(tf.zeros([2, model.latentDim]), x).shape];
    });
  } catch (e) {
    throw new ConfigError(
      `model: the encoder or decoder cannot read token sequences (${(e as Error).message.split('\n')[0]}); use encoder: gru or lstm and decoder: gru or lstm`,
      'model',
    );
  } finally {
    x.dispose();
  }
  const [mean, logVar, out] = shapes;
  const want = `[2, ${model.latentDim}]`;
  if (`[${mean.join(', ')}]` !== want || `[${logVar.join(', ')}]` !== want) {
    throw new ConfigError(`model.encoder: the encoder yields means of shape [${mean.join(', ')}] for 2 sequences, expected ${want} (use encoder: gru or lstm for token sequences)`, 'model.encoder');
  }
  if (out.length !== 2 || out[1] !== 3 * vocabSize) {
    throw new ConfigError(
      `model.decoder: for 2 sequences of 3 predicted tokens the decoder yields [${out.join(', ')}] values, expected [2, ${3 * vocabSize}] (3 × a vocabulary of ${vocabSize})`,
      'model.decoder',
    );
  }
}

function checkShapes(model: VAE): void {
  if (isAutoregressive(model.decoder)) {
    throw new ConfigError(
      'model.decoder: this decoder generates token sequences, but the data are vectors or images (use a text dataset, or decoder: mlp or conv)',
      'model.decoder',
    );
  }
  const dim = model.dataDim;
  const [mean, logVar, out] = tf.tidy(() => {
    const e = model.encoder.encode(tf.zeros([2, dim]));
    return [e.mean.shape, e.logVar.shape, model.decoder.decode(tf.zeros([2, model.latentDim])).shape];
  });
  const want = `[2, ${model.latentDim}]`;
  if (`[${mean.join(', ')}]` !== want || `[${logVar.join(', ')}]` !== want) {
    throw new ConfigError(`model.encoder: the encoder yields means of shape [${mean.join(', ')}] for 2 examples, expected ${want}`, 'model.encoder');
  }
  if (out.length !== 2 || out[1] !== dim) {
    throw new ConfigError(
      `model.decoder: the decoder yields [${out.slice(1).join(', ')}] values per example, but the data has ${dim} (shape [${model.dataShape.join(', ')}])`,
      'model.decoder',
    );
  }
}
