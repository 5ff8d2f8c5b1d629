import { ConfigError, PluginBlock, PluginKind, PluginRegistry, TrainConfig, validateOptions } from '@vaekit/core';
import { builtInRegistry } from '@vaekit/pipelines';
import type { ParamValue } from '@vaekit/study';
import { SearchSpec, trialConfig } from './spec';

/** The plugin blocks of a training config: where they are and what kind of plugin each names. */
const BLOCKS: Array<{ path: string; kind: PluginKind; get: (c: TrainConfig) => PluginBlock }> = [
  { path: 'data', kind: 'dataset', get: (c) => c.data },
  { path: 'model.encoder', kind: 'encoder', get: (c) => c.model.encoder },
  { path: 'model.decoder', kind: 'decoder', get: (c) => c.model.decoder },
  { path: 'model.loss', kind: 'loss', get: (c) => c.model.loss },
];

/** The values a searched path is probed with: every choice, or both ends of a range. */
function probes(dist: SearchSpec['entries'][number]['dist']): ParamValue[] {
  return dist.type === 'categorical' ? dist.choices : [dist.low, dist.high];
}

/** True when setting `searched` changes the block at `block` (the block itself, or a key inside it). */
const touches = (searched: string, block: string) => searched === block || searched.startsWith(block + '.') || searched.startsWith(block + '[') || block.startsWith(searched + '.');

/**
 * Checks, before the first trial, every plugin a search can use: the base config's dataset,
 * encoder, decoder and loss, and each one a searched value names or changes the options of. Each
 * `use:` is resolved against the plugin registry (built-in names, or `package#name` from an
 * installed package) and the block's options are validated against the plugin's schema, exactly as
 * a trial would, but without loading data or building a model. A mistake is a ConfigError naming
 * the file, the config path and, when a searched value brings it, the searched path and value.
 */
export function checkSearchPlugins(spec: SearchSpec, where: { file: string; baseDir: string }, registry: PluginRegistry = builtInRegistry()): void {
  const done = new Set<string>();
  const searched = (block: string) => spec.entries.some((e) => touches(e.path, block));
  const check = (config: TrainConfig, from?: { path: string; value: ParamValue }) => {
    // The base's own blocks, or those the searched path changes.
    for (const b of BLOCKS.filter((x) => (from ? touches(from.path, x.path) : !searched(x.path)))) {
      const block = b.get(config);
      const key = `${b.path}\u0000${JSON.stringify(block)}`;
      if (done.has(key)) continue;
      try {
        const plugin = registry.resolve(b.kind, block.use, { path: b.path, baseDir: where.baseDir, file: where.file });
        const { use: _use, ...options } = block;
        validateOptions(plugin.optionsSchema, options, { file: where.file, path: b.path });
      } catch (err) {
        if (err instanceof ConfigError && from) {
          throw new ConfigError(`${err.message} (from search.${from.path} = ${JSON.stringify(from.value)})`, `search.${from.path}`);
        }
        throw err;
      }
      done.add(key);
    }
  };
  // The base config's own plugins first (with the first searched values in place, which a base
  // may need), so that a mistake in the base is not blamed on a searched path; then every
  // searched value, one at a time on the base, as spec.ts validates them.
  const first: Record<string, ParamValue> = {};
  for (const e of spec.entries) first[e.path] = probes(e.dist)[0];
  check(trialConfig(spec.base, first, where.file));
  for (const e of spec.entries) {
    for (const v of probes(e.dist)) check(trialConfig(spec.base, { [e.path]: v }, where.file), { path: e.path, value: v });
  }
}
