/**
 * Pruners: none, median/percentile and successive halving (ASHA), and a factory from a config spec.
 */
import { NopPruner } from './nop';
import { MedianPruner, PERCENTILE_OPTION_NAMES, PercentilePruner, type PercentilePrunerOptions } from './percentile';
import type { Pruner } from './pruner';
import { SUCCESSIVE_HALVING_OPTION_NAMES, SuccessiveHalvingPruner, type SuccessiveHalvingPrunerOptions } from './successiveHalving';

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

const PRUNER_NAMES: readonly PrunerName[] = ['none', 'median', 'percentile', 'asha', 'successiveHalving'];

/**
 * Builds a pruner from a spec such as `{ name: 'median', nWarmupSteps: 5 }`.
 * - none: no options
 * - median: nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials
 * - percentile: percentile (required) plus the median's options
 * - asha / successiveHalving (same pruner): minResource, reductionFactor, minEarlyStoppingRate, bootstrapCount
 */
export function createPruner(spec: PrunerConfig): Pruner {
  if (spec === null || typeof spec !== 'object') throw new TypeError('createPruner: the spec must be an object with a "name"');
  const { name, ...options } = spec;
  if (!PRUNER_NAMES.includes(name as PrunerName)) {
    throw new Error(`createPruner: unknown pruner ${JSON.stringify(name)} (expected one of: ${PRUNER_NAMES.join(', ')})`);
  }
  switch (name as PrunerName) {
    case 'none':
      rejectUnknown(name, options, []);
      return new NopPruner();
    case 'median':
      rejectUnknown(name, options, PERCENTILE_OPTION_NAMES);
      return new MedianPruner(options as PercentilePrunerOptions);
    case 'percentile': {
      rejectUnknown(name, options, ['percentile', ...PERCENTILE_OPTION_NAMES]);
      const { percentile, ...rest } = options;
      if (percentile === undefined) throw new Error('createPruner: the percentile pruner needs a "percentile" (0-100)');
      return new PercentilePruner(percentile as number, rest as PercentilePrunerOptions);
    }
    case 'asha':
    case 'successiveHalving':
      rejectUnknown(name, options, SUCCESSIVE_HALVING_OPTION_NAMES);
      return new SuccessiveHalvingPruner(options as SuccessiveHalvingPrunerOptions);
  }
}

function rejectUnknown(pruner: string, options: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k) && options[k] !== undefined);
  if (unknown.length > 0) {
    throw new Error(
      `createPruner: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} ` +
        `for the ${pruner} pruner (allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'})`,
    );
  }
}
