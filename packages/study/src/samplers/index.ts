/**
 * Samplers: random, grid and TPE, and a factory building one from a config spec.
 */
import { GridSampler, type GridSearchSpace } from './grid';
import { RandomSampler } from './random';
import type { Sampler } from './sampler';
import { TPE_OPTION_NAMES, TPESampler, type TPESamplerOptions } from './tpe';

export type { Sampler, SamplerContext } from './sampler';
export {
  contains,
  DistributionError,
  effectiveHigh,
  isSingle,
  roundToStep,
  sameDistribution,
  singleValue,
  stepCount,
  validateDistribution,
} from './distributions';
export { RandomSampler, sampleUniform } from './random';
export { GridSampler, type GridSearchSpace } from './grid';
export { TPESampler, defaultGamma, hyperoptGamma, type TPESamplerOptions } from './tpe';
export { ParzenEstimator, defaultWeights, type ParzenOptions } from './parzen';
export { Rng, hash128 } from './rng';

export type SamplerName = 'tpe' | 'random' | 'grid';

/** Named SamplerConfig (not SamplerSpec) so it does not clash with the study module's own spec type. */
export interface SamplerConfig {
  name: SamplerName | string;
  seed?: number;
  [option: string]: unknown;
}

const SAMPLER_NAMES: readonly SamplerName[] = ['tpe', 'random', 'grid'];

/**
 * Builds a sampler from a spec such as `{ name: 'tpe', seed: 0, nStartupTrials: 20 }`.
 * TPE takes the TPESamplerOptions; random and grid take only `seed` (grid: shuffles the order).
 * The grid's values come from `gridSpace` (or, failing that, from `spec.searchSpace`).
 */
export function createSampler(spec: SamplerConfig, gridSpace?: GridSearchSpace): Sampler {
  if (spec === null || typeof spec !== 'object') throw new TypeError('createSampler: the spec must be an object with a "name"');
  const { name, ...options } = spec;
  if (!SAMPLER_NAMES.includes(name as SamplerName)) {
    throw new Error(`createSampler: unknown sampler ${JSON.stringify(name)} (expected one of: ${SAMPLER_NAMES.join(', ')})`);
  }
  switch (name as SamplerName) {
    case 'tpe':
      rejectUnknown(name, options, TPE_OPTION_NAMES as readonly string[]);
      return new TPESampler(options as TPESamplerOptions);
    case 'random':
      rejectUnknown(name, options, ['seed']);
      return new RandomSampler(options.seed as number | undefined);
    case 'grid': {
      rejectUnknown(name, options, ['seed', 'searchSpace']);
      const space = gridSpace ?? (options.searchSpace as GridSearchSpace | undefined);
      if (space === undefined) {
        throw new Error('createSampler: the grid sampler needs a search space (a list of values for every parameter)');
      }
      return new GridSampler(space, options.seed as number | undefined);
    }
  }
}

function rejectUnknown(sampler: string, options: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k) && options[k] !== undefined);
  if (unknown.length > 0) {
    throw new Error(
      `createSampler: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} ` +
        `for the ${sampler} sampler (allowed: ${allowed.join(', ')})`,
    );
  }
}
