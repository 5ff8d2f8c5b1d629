import { mlpDecoder } from './mlp';
import { convDecoder } from './conv';
import { gruDecoder, lstmDecoder } from './rnn';

export * from './mlp';
export * from './conv';
export * from './rnn';
/** The built-in decoders, for a PluginRegistry. */
export const decoderPlugins = [mlpDecoder, convDecoder, gruDecoder, lstmDecoder];
