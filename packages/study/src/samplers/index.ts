/**
 * Samplers: random, grid, TPE, quasi-random (Sobol) and Gaussian-process Bayesian optimisation, and a
 * factory building one from a config spec.
 */
import { GridSampler, type GridSearchSpace } from './grid';
import { QMCSampler, type QMCSamplerOptions } from './qmc/qmc';
import { GPSampler, type GPSamplerOptions } from './gp/gp';
import { NSGAIISampler, type NSGAIISamplerOptions } from './nsga2';
import { RandomSampler } from './random';
import type { Sampler } from './sampler';
import { TPESampler, type TPESamplerOptions } from './tpe';
import { ConfigError } from '../errors';
import { checkSamplerSpec } from '../options';

export type {
  Awaitable,
  BeforeTrialContext,
  RelativeSample,
  Sampler,
  SamplerContext,
  SearchSpace,
  TrialClaim,
} from './sampler';
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
export { KeyedStream, Rng, hash128, type RandomStream } from './rng';
export { QMCSampler, type QMCSamplerOptions } from './qmc/qmc';
export { SobolSequence, type SobolOptions } from './qmc/sobol';
export { GPSampler, type GPSamplerOptions } from './gp/gp';
export { NSGAIISampler, type NSGAIISamplerOptions, type ConstraintsFunc } from './nsga2';

export type SamplerName = 'tpe' | 'random' | 'grid' | 'qmc' | 'gp' | 'nsga2';

/** Named SamplerConfig (not SamplerSpec) so it does not clash with the study module's own spec type. */
export interface SamplerConfig {
  name: SamplerName | string;
  seed?: number;
  [option: string]: unknown;
}

/**
 * Builds a sampler from a spec such as `{ name: 'tpe', seed: 0, nStartupTrials: 20 }`.
 * TPE takes the TPESamplerOptions, gp the GPSamplerOptions, nsga2 the NSGAIISamplerOptions, qmc `seed` and `scramble`; random and grid take only `seed` (grid: shuffles the order).
 * The grid's values come from `gridSpace` (or, failing that, from `spec.searchSpace`).
 * The spec is checked against SAMPLER_OPTIONS first: a ConfigError names the option's path,
 * `where` followed by the option (`study.sampler.nStartupTrials`).
 */
export function createSampler(spec: SamplerConfig, gridSpace?: GridSearchSpace, where = 'study.sampler'): Sampler {
  const { name, options } = rejectUnknown(spec, where);
  switch (name) {
    case 'tpe':
      return new TPESampler(options as TPESamplerOptions);
    case 'random':
      return new RandomSampler(options.seed as number | undefined);
    case 'qmc':
      return new QMCSampler(options as QMCSamplerOptions);
    case 'gp':
      return new GPSampler(options as GPSamplerOptions);
    case 'nsga2':
      return new NSGAIISampler(options as NSGAIISamplerOptions);
    case 'grid': {
      const space = gridSpace ?? (options.searchSpace as GridSearchSpace | undefined);
      if (space === undefined) {
        throw new ConfigError(`createSampler: ${where}: the grid sampler needs a search space (a list of values for every parameter)`, where);
      }
      return new GridSampler(space, options.seed as number | undefined);
    }
  }
}

/** Checks the spec's name and options (unknown ones, types, ranges), prefixing the message with the factory's name. */
function rejectUnknown(spec: SamplerConfig, where: string): ReturnType<typeof checkSamplerSpec> {
  try {
    return checkSamplerSpec(spec, where);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`createSampler: ${e.message}`, e.path);
    throw e;
  }
}
