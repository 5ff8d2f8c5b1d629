import * as tf from '@tensorflow/tfjs-core';
import type { HasWeights, PluginKind } from '../plugins/types';
import { ConfigError } from '../plugins/types';
import { isPackageName, parseUse, PluginRegistry } from '../plugins/registry';
import { CheckpointError, CheckpointManifest, directoryHandler, readCheckpointManifest, readGroupData, readManifestJson } from './fileHandler';

export { CheckpointError } from './fileHandler';

/** Weight names in a checkpoint are positional ("w0", "w1", ...) in the model's fixed weight order. */
function names(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `w${i}`);
}

/** The model's plugin blocks a checkpoint needs to be loaded, by config path. */
export const CHECKPOINT_PLUGIN_BLOCKS: Array<[PluginKind, 'encoder' | 'decoder' | 'loss']> = [
  ['encoder', 'encoder'],
  ['decoder', 'decoder'],
  ['loss', 'loss'],
];

/** The `use:` values of a config's model blocks (encoder, decoder, loss), in that order. */
export function modelPluginUses(config: any): string[] {
  const model = config && typeof config === 'object' ? config.model : undefined;
  return CHECKPOINT_PLUGIN_BLOCKS.map(([, k]) => model?.[k]?.use).filter((u): u is string => typeof u === 'string');
}

/**
 * Saves a model's weights and any JSON metadata (the resolved config) to a directory. When the
 * metadata holds a config, model.json lists the plugins its model needs.
 */
export async function saveCheckpoint(dir: string, model: HasWeights, metadata: object): Promise<void> {
  const vars = model.weights();
  const map: tf.NamedTensorMap = {};
  names(vars.length).forEach((n, i) => (map[n] = vars[i]));
  const { data, specs } = await tf.io.encodeWeights(map);
  const config = (metadata as { config?: unknown }).config;
  const plugins = config ? [...new Set(modelPluginUses(config))] : undefined;
  await directoryHandler(dir, { plugins }).save!({ weightSpecs: specs, weightData: data, userDefinedMetadata: metadata as { [k: string]: {} } });
}

/** Reads a checkpoint's metadata (the resolved config) without touching weights. */
export function readCheckpointMetadata(dir: string): any {
  return readManifestJson(dir).json.userDefinedMetadata ?? {};
}

export { readCheckpointManifest };

/**
 * Checks, before any plugin code is loaded, that the checkpoint's model names only plugins this
 * vaekit may load: built-in ones, or installed npm packages (resolved from the working directory,
 * never from the checkpoint's folder). Every `use:` of the model must be among the plugins
 * model.json lists. A missing package gives a message naming the package to install.
 */
export function checkCheckpointPlugins(manifest: CheckpointManifest, config: any, registry: PluginRegistry): void {
  const file = manifest.file;
  const model = config && typeof config === 'object' ? config.model : undefined;
  for (const [kind, key] of CHECKPOINT_PLUGIN_BLOCKS) {
    const use = model?.[key]?.use;
    if (typeof use !== 'string') continue; // the config's validation reports it
    const where = { path: `model.${key}`, file };
    if (manifest.plugins && !manifest.plugins.includes(use)) {
      throw new CheckpointError(`${file}: model.${key}.use names a plugin the checkpoint does not list in "plugins"`);
    }
    try {
      registry.check(kind, use, where);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      let ref: ReturnType<typeof parseUse> | undefined;
      try {
        ref = parseUse(use, '', where.path);
      } catch {
        ref = undefined;
      }
      if (ref?.type === 'package' && isPackageName(ref.pkg) && /is not installed/.test(e.message)) {
        throw new CheckpointError(
          `${file}: the checkpoint's model.${key} needs the plugin package "${ref.pkg}", which is not installed: ` +
            `run npm install ${ref.pkg} in your project and run vaekit from there`,
          { cause: e },
        );
      }
      throw new CheckpointError(e.message, { cause: e });
    }
  }
}

/**
 * Loads weights saved by saveCheckpoint into a model of the same architecture. Every weight's
 * name, dtype and shape must match the model's, every weights file must lie inside the checkpoint
 * folder and hold exactly the bytes its weights need; anything else is a CheckpointError naming
 * the file. Returns the checkpoint's metadata.
 */
export async function loadCheckpoint(dir: string, model: HasWeights, manifest?: CheckpointManifest): Promise<any> {
  const m = manifest ?? readCheckpointManifest(dir);
  const file = m.file;
  const vars = model.weights();
  const specs = m.groups.flatMap((g, gi) => g.weights.map((w) => ({ ...w, group: gi })));
  if (specs.length !== vars.length) {
    throw new CheckpointError(`${file}: the checkpoint holds ${specs.length} weight tensors, the model has ${vars.length}: it was saved from another architecture`);
  }
  const want = names(vars.length);
  specs.forEach((s, i) => {
    const where = m.groups[s.group].files.join(', ');
    if (s.name !== want[i]) {
      throw new CheckpointError(`${file}: weight ${i} is named "${s.name.replace(/[^\x20-\x7e]/g, '?').slice(0, 80)}", expected "${want[i]}" (weights are stored in ${where} in the model's order)`);
    }
    if (s.dtype !== vars[i].dtype) {
      throw new CheckpointError(`${file}: weight "${s.name}" has dtype "${s.dtype}" in the checkpoint but "${vars[i].dtype}" in the model`);
    }
    if (!tf.util.arraysEqual(s.shape, vars[i].shape)) {
      throw new CheckpointError(
        `${file}: weight ${i} has shape [${s.shape}] in the checkpoint but [${vars[i].shape}] in the model: it was saved from another architecture or data shape`,
      );
    }
  });
  // Everything matches: read each group's files (exactly the bytes checked above) and assign.
  const tensors: tf.Tensor[] = [];
  try {
    let i = 0;
    for (const g of m.groups) {
      const data = readGroupData(g);
      let offset = 0;
      for (const w of g.weights) {
        const n = w.shape.reduce((p, d) => p * d, 1);
        const values = new Float32Array(data, offset, n);
        for (let k = 0; k < n; k++) {
          if (!Number.isFinite(values[k])) {
            throw new CheckpointError(`${g.files.join(', ')}: weight "${w.name}" holds a value that is not finite (${values[k]}): the checkpoint cannot be used`);
          }
        }
        tensors.push(tf.tensor(values, w.shape, 'float32'));
        offset += n * 4;
        i++;
      }
    }
    tensors.forEach((t, k) => vars[k].assign(t));
  } finally {
    tf.dispose(tensors);
  }
  return m.userDefinedMetadata;
}
