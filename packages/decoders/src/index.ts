import { mlpDecoder } from './mlp';
import { convDecoder } from './conv';

export * from './mlp';
export * from './conv';
/** The built-in decoders, for a PluginRegistry. */
export const decoderPlugins = [mlpDecoder, convDecoder];
