/**
 * The sampler interface: define-by-run, after Optuna's `BaseSampler`. A study runs each trial
 * through the sampler's hooks:
 *
 * 1. `beforeTrial(ctx)` creates the trial. A sampler that hands out units of work (the grid
 *    sampler's points) claims one here, atomically, through `ctx.createTrial({ claimKey, params })`;
 *    without the hook the study creates a plain trial.
 * 2. At the trial's first suggestion the sampler answers from: `inferRelativeSearchSpace(ctx)`,
 *    the parameters it wants to draw jointly, then `sampleRelative(ctx, space)`, one joint draw
 *    (multivariate TPE). Both are called once per trial; the trial keeps the result.
 * 3. Every suggestion the relative draw does not cover (another parameter, or the same name with
 *    another distribution) is answered by `sampleIndependent(ctx, name, dist)`.
 * 4. `afterTrial(ctx, trial)` once the trial has ended (COMPLETE, PRUNED or FAIL).
 *
 * Only `name` and `sampleIndependent` are required. Samplers should hold no per-study state that
 * matters for correctness: everything they need comes in through the context, so several workers
 * (concurrent trials in one process, processes, machines) sharing one storage can each run their
 * own sampler instance.
 */
import type { Direction, Distribution, FrozenTrial, ParamValue } from '../types';

/** A value, or a promise of it: every hook may be synchronous or asynchronous. */
export type Awaitable<T> = T | Promise<T>;

/** Parameters drawn jointly: name → distribution. */
export type SearchSpace = Record<string, Distribution>;

/** What a sampler sees when it samples for a running trial. */
export interface SamplerContext {
  /** The study's first (single-objective: only) direction. */
  direction: Direction;
  /** One direction per objective: more than one in a multi-objective study, whose trials carry `values`. */
  directions: Direction[];
  /**
   * All trials of the study, in any state, as read at the trial's first suggestion: one
   * consistent picture for the whole trial. The current trial is among them (with what it had
   * then: parameters fixed in advance, system attributes such as its `claimKey`).
   */
  trials: FrozenTrial[];
  /** Number of the trial being sampled. */
  trialNumber: number;
}

/** What `beforeTrial` gets: the study's trials and the one way to create the new trial. */
export interface BeforeTrialContext {
  direction: Direction;
  /** One direction per objective (see SamplerContext). */
  directions: Direction[];
  /** All trials of the study, just read from the storage. */
  trials: FrozenTrial[];
  /**
   * Creates the new RUNNING trial atomically in the storage (at most once per call of
   * `beforeTrial`), within the study's target number of trials. With `claimKey` it is refused
   * when a trial that has not failed holds that key, so two workers never claim the same unit of
   * work; `params` (with their `distributions`) are fixed in advance: the trial's suggestions of
   * those names return them without asking the sampler; `systemAttrs` are stored with the trial
   * (the sampler's bookkeeping). Resolves to undefined when refused.
   */
  createTrial(opts?: {
    claimKey?: string;
    params?: Record<string, ParamValue>;
    distributions?: Record<string, Distribution>;
    systemAttrs?: Record<string, unknown>;
  }): Promise<FrozenTrial | undefined>;
}

/**
 * What `beforeTrial` returns: the created trial; undefined when `createTrial` refused (the study
 * then waits for running trials, or calls `beforeTrial` again if another worker took the claim);
 * or 'exhausted' when the sampler has no work left that a live trial does not already hold (the
 * study then waits while trials are running, in case one fails, and ends otherwise). Undefined
 * without a call of `createTrial` counts as 'exhausted'.
 */
export type TrialClaim = FrozenTrial | undefined | 'exhausted';

export interface Sampler {
  readonly name: string;
  /** True when the sampler models one objective only: a study with several directions refuses it. */
  readonly singleObjective?: boolean;
  /**
   * Creates the trial, claiming the work it will do. Optional: without it the study calls
   * `ctx.createTrial()`.
   */
  beforeTrial?(ctx: BeforeTrialContext): Promise<TrialClaim>;
  /** The parameters `sampleRelative` will draw jointly for this trial. Optional (default: none). */
  inferRelativeSearchSpace?(ctx: SamplerContext): Awaitable<SearchSpace>;
  /**
   * One joint draw of the parameters of `space`, once per trial. A name it leaves out is sampled
   * independently. Optional (default: none).
   */
  sampleRelative?(ctx: SamplerContext, space: SearchSpace): Awaitable<Record<string, ParamValue>>;
  /**
   * The value of parameter `name` with distribution `dist`, for a suggestion the relative draw
   * does not cover. Should be deterministic given the seed, the trial number and the study's trials.
   */
  sampleIndependent(ctx: SamplerContext, name: string, dist: Distribution): Awaitable<ParamValue>;
  /** Called once the trial has ended, with its final state. Optional. */
  afterTrial?(ctx: SamplerContext, trial: FrozenTrial): Awaitable<void>;
}

/** What a trial keeps of its relative draw. */
export interface RelativeSample {
  space: SearchSpace;
  params: Record<string, ParamValue>;
}
