import { mlpEncoder } from './mlp';
import { convEncoder } from './conv';

export * from './mlp';
export * from './conv';
/** The built-in encoders, for a PluginRegistry. */
export const encoderPlugins = [mlpEncoder, convEncoder];
