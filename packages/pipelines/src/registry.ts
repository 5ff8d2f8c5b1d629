import { PluginRegistry } from '@vaekit/core';
import { encoderPlugins } from '@vaekit/encoders';
import { decoderPlugins } from '@vaekit/decoders';
import { lossPlugins } from '@vaekit/losses';
import { datasetPlugins } from '@vaekit/datasets';

/** A registry with every built-in plugin; `package#name` plugins resolve on demand. */
export function builtInRegistry(): PluginRegistry {
  return new PluginRegistry().register(...encoderPlugins, ...decoderPlugins, ...lossPlugins, ...datasetPlugins);
}
