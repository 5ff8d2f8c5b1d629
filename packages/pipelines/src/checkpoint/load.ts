import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildModel,
  CheckpointError,
  checkCheckpointPlugins,
  DataInfo,
  Dataset,
  longestSequence,
  loadCheckpoint,
  PropertyStats,
  readCheckpointManifest,
  readCheckpointMetadata,
  selectBackend,
  TrainConfig,
  validateConfig,
  validateOptions,
  VAE,
  Vocabulary,
  withWeightBudget,
} from '@vaekit/core';
import { checkVocabulary, DataError } from '@vaekit/datasets';
import { builtInRegistry } from '../registry';
import { trainSetFingerprint } from '../text/trainset';

/** A model rebuilt from a checkpoint, with its config and, for token sequences, its vocabulary. */
export interface CheckpointModel {
  model: VAE;
  config: TrainConfig;
  /** The vocabulary of a sequence model, as saved with it. */
  vocab?: Vocabulary;
}

/**
 * Rebuilds the model a checkpoint was saved from and loads its weights. Before any plugin code is
 * loaded, model.json is checked (format, version, weights files inside the checkpoint folder and
 * of exactly the size their weights need) and so are the plugins it names (built-in, or installed
 * npm packages resolved from the working directory) and, for a text model, its vocabulary.
 */
export async function loadCheckpointModel(dir: string): Promise<CheckpointModel> {
  const file = path.join(dir, 'model.json');
  const meta = readCheckpointMetadata(dir);
  if (!meta.config || !Array.isArray(meta.dataShape)) throw new CheckpointError(`${file}: not a vaekit training checkpoint (no config or data shape)`);
  const manifest = readCheckpointManifest(dir);
  let info: DataInfo;
  let vocab: Vocabulary | undefined;
  if (meta.vocab !== undefined) {
    try {
      checkVocabulary(meta.vocab, file);
    } catch (e) {
      if (e instanceof DataError) throw new CheckpointError(e.message);
      throw e;
    }
    vocab = meta.vocab as Vocabulary;
    info = { shape: [], min: 0, max: vocab.tokens.length - 1, sequence: { vocabSize: vocab.tokens.length } };
    const properties = checkpointProperties(meta, file);
    if (properties) info.properties = properties;
  } else {
    const shape: unknown[] = meta.dataShape;
    if (shape.length < 1 || shape.length > 4 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 1) || shape.reduce((p: number, d) => p * (d as number), 1) > 2 ** 24) {
      throw new CheckpointError(`${file}: dataShape must list 1 to 4 positive integers of at most ${2 ** 24} values in all, found ${JSON.stringify(shape).slice(0, 80)}`);
    }
    const range = meta.dataRange ?? [0, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => Number.isFinite(v))) {
      throw new CheckpointError(`${file}: dataRange must be two finite numbers [min, max]`);
    }
    info = { shape: shape as number[], min: range[0], max: range[1] };
  }
  const registry = builtInRegistry();
  checkCheckpointPlugins(manifest, meta.config, registry);
  const config = validateConfig(meta.config, { file });
  const names = config.model.property?.names;
  if ((names ?? []).join(',') !== (info.properties?.names ?? []).join(',')) {
    throw new CheckpointError(
      `${file}: the config's model.property predicts [${(names ?? []).join(', ')}] but the checkpoint's "property" statistics are for [${(info.properties?.names ?? []).join(', ')}]: the file was altered or comes from another model`,
    );
  }
  await selectBackend(config.train.backend);
  // The weights files hold exactly the values their manifest lists (checked above): a model that
  // needs more was saved from another architecture, and is refused before it is allocated.
  const values = manifest.groups.reduce((a, g) => a + g.bytes / 4, 0);
  const tooBig = () => new CheckpointError(`${file}: the model its config describes has more weights than the ${values} values its weights files hold: it was saved from another architecture`);
  const model = await withWeightBudget(values, tooBig, () =>
    buildModel(config.model, info, { registry, validateOptions, file, baseDir: dir, seed: config.train.seed }),
  );
  try {
    await loadCheckpoint(dir, model, manifest);
  } catch (e) {
    tf.dispose(model.weights());
    throw e;
  }
  return { model, config, vocab };
}

/**
 * What a checkpoint's model.json keeps beside the weights, so the model can be rebuilt: the
 * config, the data's shape and range, and for token sequences the vocabulary, the longest
 * training sequence (generation's default length) and the training set's fingerprint (its size and
 * hash, to recognise the file later, never its path).
 */
export function checkpointMetadata(config: TrainConfig, data: Dataset): object {
  const { info, vocab } = data;
  const seq = vocab && data.train.seq ? { vocab, longestSequence: longestSequence(data.train.seq), trainSet: trainSetFingerprint(data.train.seq) } : {};
  const property = info.properties ? { property: info.properties } : {};
  return { config, dataShape: info.shape, dataRange: [info.min, info.max], ...seq, ...property };
}

/**
 * The property statistics a checkpoint keeps for its predictor (model.property), checked: names,
 * and one finite mean and positive finite sd per name. Undefined when it has none.
 */
function checkpointProperties(meta: any, file: string): PropertyStats | undefined {
  const p = meta.property;
  if (p === undefined) return undefined;
  const bad = (what: string) => new CheckpointError(`${file}: "property" must hold ${what}: the checkpoint cannot be used`);
  if (typeof p !== 'object' || p === null || !Array.isArray(p.names) || !Array.isArray(p.mean) || !Array.isArray(p.sd)) {
    throw bad('the arrays names, mean and sd of the property predictor');
  }
  const k = p.names.length;
  if (k < 1 || k > 64 || !p.names.every((n: unknown) => typeof n === 'string' && n.length <= 64)) throw bad('1 to 64 property names');
  if (p.mean.length !== k || !p.mean.every((v: unknown) => typeof v === 'number' && Number.isFinite(v))) throw bad(`${k} finite means, one per property`);
  if (p.sd.length !== k || !p.sd.every((v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0)) throw bad(`${k} positive standard deviations, one per property`);
  return { names: [...p.names], mean: [...p.mean], sd: [...p.sd] };
}
