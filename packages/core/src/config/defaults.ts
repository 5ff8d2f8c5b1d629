import { TrainConfig } from './types';
import { validateConfig } from './validate';

/**
 * A complete config with every default: mnist data, mlp encoder and decoder with one hidden layer
 * of 400 units, Bernoulli (bce) likelihood, 20 latent dimensions, 10 epochs of Adam at 1e-3.
 * It is exactly what validateConfig({}) gives; each call returns a fresh object.
 */
export function defaultConfig(): TrainConfig {
  return validateConfig({});
}
