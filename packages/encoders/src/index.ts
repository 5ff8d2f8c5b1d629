import { mlpEncoder } from './mlp';
import { convEncoder } from './conv';
import { gruEncoder, lstmEncoder } from './rnn';

export * from './mlp';
export * from './conv';
export * from './rnn';
/** The built-in encoders, for a PluginRegistry. */
export const encoderPlugins = [mlpEncoder, convEncoder, gruEncoder, lstmEncoder];
