/**
 * What a multi-objective study shows of itself — its Pareto front, the reference point and the
 * hypervolume — derived once from its trials, for the study API, the command line's listings and
 * summaries, and the report.
 */
import type { Direction, FrontTrial, FrozenTrial } from '../types';
import { hypervolume } from './hypervolume';
import { paretoFront, toMinimize, trialValues } from './pareto';

export interface FrontSummary {
  /** The Pareto-optimal COMPLETE trials, by number. */
  front: FrontTrial[];
  /** The point the hypervolume is measured against, one value per direction. */
  reference: number[];
  /** Whether `reference` was given, or is the default (the worst value of each objective among the COMPLETE trials). */
  referenceGiven: boolean;
  /** The hypervolume of the front against `reference`, in the objectives' units multiplied together. */
  hypervolume: number;
}

/** The worst finite value of each objective among the COMPLETE trials (undefined when there is none). */
export function worstPoint(trials: readonly FrozenTrial[], directions: readonly Direction[]): number[] | undefined {
  const vectors = trials
    .filter((t) => t.state === 'COMPLETE')
    .map(trialValues)
    .filter((v): v is number[] => !!v && v.length === directions.length && v.every(Number.isFinite));
  if (!vectors.length) return undefined;
  return directions.map((d, k) => (d === 'minimize' ? Math.max(...vectors.map((v) => v[k])) : Math.min(...vectors.map((v) => v[k]))));
}

/** The front of a study's trials and its hypervolume against `reference` (default: `worstPoint`); undefined without COMPLETE trials. */
export function frontSummary(trials: readonly FrozenTrial[], directions: readonly Direction[], reference?: readonly number[]): FrontSummary | undefined {
  const ref = reference ? [...reference] : worstPoint(trials, directions);
  if (!ref) return undefined;
  const front = paretoFront(trials, directions);
  return {
    front: front.map((t) => ({ number: t.number, values: [...trialValues(t)!], params: structuredClone(t.params) })),
    reference: ref,
    referenceGiven: !!reference,
    hypervolume: hypervolume(
      front.map((t) => toMinimize(trialValues(t)!, directions)),
      toMinimize(ref, directions),
    ),
  };
}
