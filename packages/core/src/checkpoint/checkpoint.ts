import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { VaekitError } from '@vaekit/study';
import type { HasWeights } from '../plugins/types';
import { directoryHandler } from './fileHandler';

/**
 * A checkpoint that cannot be used: missing, not a vaekit checkpoint, unreadable, or saved from
 * another architecture or data shape. The message names the directory or file. It is the user's
 * input (exit code 2).
 */
export class CheckpointError extends VaekitError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: 2, cause: options.cause });
  }
}

/** Weight names in a checkpoint are positional ("w0", "w1", ...) in the model's fixed weight order. */
function names(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `w${i}`);
}

/** Saves a model's weights and any JSON metadata (the resolved config) to a directory. */
export async function saveCheckpoint(dir: string, model: HasWeights, metadata: object): Promise<void> {
  const vars = model.weights();
  const map: tf.NamedTensorMap = {};
  names(vars.length).forEach((n, i) => (map[n] = vars[i]));
  const { data, specs } = await tf.io.encodeWeights(map);
  await directoryHandler(dir).save!({ weightSpecs: specs, weightData: data, userDefinedMetadata: metadata as { [k: string]: {} } });
}

/** Reads a checkpoint's metadata (the resolved config) without touching weights. */
export function readCheckpointMetadata(dir: string): any {
  const file = path.join(dir, 'model.json');
  if (!fs.existsSync(file)) throw new CheckpointError(`checkpoint not found: ${file} does not exist`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')).userDefinedMetadata ?? {};
  } catch (e) {
    throw new CheckpointError(`${file}: not a vaekit checkpoint (${(e as Error).message})`, { cause: e });
  }
}

/** Loads weights saved by saveCheckpoint into a model of the same architecture. */
export async function loadCheckpoint(dir: string, model: HasWeights): Promise<any> {
  readCheckpointMetadata(dir);
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await directoryHandler(dir).load!();
  } catch (e) {
    throw new CheckpointError(`${dir}: cannot read the checkpoint's weights (${(e as Error).message})`, { cause: e });
  }
  const vars = model.weights();
  const specs = artifacts.weightSpecs ?? [];
  if (specs.length !== vars.length) {
    throw new CheckpointError(`${dir}: the checkpoint holds ${specs.length} weight tensors, the model has ${vars.length}: it was saved from another architecture`);
  }
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(artifacts.weightData!, specs);
  } catch (e) {
    throw new CheckpointError(`${dir}: the checkpoint's weights.bin does not match its model.json (${(e as Error).message})`, { cause: e });
  }
  try {
    names(vars.length).forEach((n, i) => {
      const t = tensors[n];
      if (!t || !tf.util.arraysEqual(t.shape, vars[i].shape)) {
        throw new CheckpointError(
          `${dir}: weight ${i} has shape [${t?.shape}] in the checkpoint but [${vars[i].shape}] in the model: it was saved from another architecture or data shape`,
        );
      }
      vars[i].assign(t);
    });
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return artifacts.userDefinedMetadata;
}
