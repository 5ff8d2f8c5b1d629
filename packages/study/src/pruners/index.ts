/**
 * Pruners: none, median/percentile and successive halving (ASHA), and a factory from a config spec.
 */
import { NopPruner } from './nop';
import { MedianPruner, PercentilePruner, type PercentilePrunerOptions } from './percentile';
import type { Pruner } from './pruner';
import { SuccessiveHalvingPruner, type SuccessiveHalvingPrunerOptions } from './successiveHalving';
import { ConfigError } from '../errors';
import { checkPrunerSpec } from '../options';

export type { Pruner, PrunerContext } from './pruner';
export { NopPruner } from './nop';
export { MedianPruner, PercentilePruner, nanPercentile, type PercentilePrunerOptions } from './percentile';
export { SuccessiveHalvingPruner, rungKey, type SuccessiveHalvingPrunerOptions } from './successiveHalving';

export type PrunerName = 'none' | 'median' | 'percentile' | 'asha' | 'successiveHalving';

/** Named PrunerConfig (not PrunerSpec) so it does not clash with the study module's own spec type. */
export interface PrunerConfig {
  name: PrunerName | string;
  [option: string]: unknown;
}

/**
 * Builds a pruner from a spec such as `{ name: 'median', nWarmupSteps: 5 }`, checked against
 * PRUNER_OPTIONS first (a ConfigError names the option's path: `where` followed by the option).
 * - none: no options
 * - median: nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials
 * - percentile: percentile (required) plus the median's options
 * - asha / successiveHalving (same pruner): minResource, reductionFactor, minEarlyStoppingRate, bootstrapCount
 */
export function createPruner(spec: PrunerConfig, where = 'study.pruner'): Pruner {
  let checked: ReturnType<typeof checkPrunerSpec>;
  try {
    checked = checkPrunerSpec(spec, where);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`createPruner: ${e.message}`, e.path);
    throw e;
  }
  const { name, options } = checked;
  switch (name) {
    case 'none':
      return new NopPruner();
    case 'median':
      return new MedianPruner(options as PercentilePrunerOptions);
    case 'percentile': {
      const { percentile, ...rest } = options;
      return new PercentilePruner(percentile as number, rest as PercentilePrunerOptions);
    }
    case 'asha':
    case 'successiveHalving':
      return new SuccessiveHalvingPruner(options as SuccessiveHalvingPrunerOptions);
  }
}
