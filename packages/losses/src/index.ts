import { bce } from './bce';
import { mse } from './mse';

export * from './bce';
export * from './mse';
/** The built-in likelihoods, for a PluginRegistry. */
export const lossPlugins = [bce, mse];
