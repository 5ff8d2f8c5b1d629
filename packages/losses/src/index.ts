import { bce } from './bce';
import { mse } from './mse';
import { categorical } from './categorical';

export * from './bce';
export * from './mse';
export * from './categorical';
/** The built-in likelihoods, for a PluginRegistry. */
export const lossPlugins = [bce, mse, categorical];
