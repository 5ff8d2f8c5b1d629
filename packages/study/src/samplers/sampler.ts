/**
 * The sampler interface: define-by-run, like Optuna. A trial asks for one parameter at a time and
 * the sampler answers from the study's history. Samplers hold no per-study state that matters for
 * correctness: everything they need comes in through the context, so several workers (threads,
 * processes, machines) sharing one storage can each run their own sampler instance.
 */
import type { Direction, Distribution, FrozenTrial, ParamValue } from '../types';

export interface SamplerContext {
  direction: Direction;
  /** All trials of the study, in any state (the current trial may be among them). */
  trials: FrozenTrial[];
  /** Number of the trial asking for a parameter. */
  trialNumber: number;
  /**
   * Index of the grid point assigned to this trial (claimed transactionally by the storage through
   * `createTrial({ claimKey })`). Only the GridSampler reads it.
   */
  gridPoint?: number;
}

export interface Sampler {
  readonly name: string;
  /**
   * Called when a trial asks for parameter `name` with distribution `dist`. Must be deterministic
   * given the seed, the trial number and the study's trials.
   */
  sample(ctx: SamplerContext, name: string, dist: Distribution): ParamValue;
}
