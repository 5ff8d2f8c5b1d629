import { VaekitError } from './errors';
import type { Pruner } from './pruners';
import type { RelativeSample, Sampler, SamplerContext } from './samplers/sampler';
import type { Direction, Distribution, FrozenTrial, ParamValue, Storage } from './types';
import { sameDistribution, validateDistribution } from './samplers/distributions';

/** Thrown by an objective (or by `trial.prune()`) to end its trial as PRUNED. */
export class TrialPruned extends VaekitError {
  constructor(message = 'trial pruned') {
    super(message);
  }
}

/**
 * The handle an objective gets: define-by-run parameter suggestions, reports and pruning.
 *
 * At its first suggestion that is not fixed in advance, a trial reads the study's trials (the
 * picture its sampler sees for the whole trial) and asks the sampler for its relative draw
 * (`inferRelativeSearchSpace`, then `sampleRelative`), which it keeps: each trial owns its own,
 * so concurrent trials and worker processes never mix them up.
 */
export class Trial {
  private readonly intermediate: Record<number, number> = {};
  private sampling?: Promise<{ ctx: SamplerContext; relative: RelativeSample }>;

  constructor(
    private readonly storage: Storage,
    private readonly studyId: number,
    private readonly frozen: FrozenTrial,
    private readonly sampler: Sampler,
    private readonly pruner: Pruner,
    private readonly directions: Direction[],
  ) {}

  get number(): number {
    return this.frozen.number;
  }

  get params(): Record<string, ParamValue> {
    return { ...this.frozen.params };
  }

  /** Suggests a float in [low, high]; `log` samples in log space, `step` discretises. */
  suggestFloat(name: string, low: number, high: number, o: { log?: boolean; step?: number } = {}): Promise<number> {
    return this.suggest(name, { type: 'float', low, high, ...o }) as Promise<number>;
  }

  /** Suggests an integer in [low, high] (both included). */
  suggestInt(name: string, low: number, high: number, o: { log?: boolean; step?: number } = {}): Promise<number> {
    return this.suggest(name, { type: 'int', low, high, ...o }) as Promise<number>;
  }

  suggestCategorical<T extends ParamValue>(name: string, choices: T[]): Promise<T> {
    return this.suggest(name, { type: 'categorical', choices }) as Promise<T>;
  }

  /**
   * Any distribution; a parameter fixed in advance (a grid point) is returned as it is. Otherwise
   * the value comes from the trial's relative draw when it holds `name` with this same
   * distribution, and from the sampler's `sampleIndependent` when not.
   */
  async suggest(name: string, dist: Distribution): Promise<ParamValue> {
    validateDistribution(name, dist);
    if (name in this.frozen.params) return this.frozen.params[name];
    const { ctx, relative } = await (this.sampling ??= this.startSampling());
    const inRelative = hasOwn(relative.space, name) && hasOwn(relative.params, name) && sameDistribution(relative.space[name], dist);
    const value = inRelative ? relative.params[name] : await this.sampler.sampleIndependent(ctx, name, dist);
    this.frozen.params[name] = value;
    this.frozen.distributions[name] = dist;
    await this.storage.setParam(this.studyId, this.frozen.number, name, value, dist);
    return value;
  }

  /** Records the objective's value at a step (an epoch), for pruning and for plots. Single-objective studies only. */
  async report(value: number, step: number): Promise<void> {
    this.refuseMultiObjective('Trial.report');
    if (!Number.isFinite(value)) return;
    this.intermediate[step] = value;
    this.frozen.intermediate[step] = value;
    await this.storage.reportIntermediate(this.studyId, this.frozen.number, step, value);
  }

  /** Whether the pruner would stop this trial now, given every trial of the study. */
  async shouldPrune(): Promise<boolean> {
    this.refuseMultiObjective('Trial.shouldPrune');
    const steps = Object.keys(this.intermediate).map(Number);
    if (steps.length === 0) return false;
    const trials = await this.storage.getTrials(this.studyId);
    return this.pruner.shouldPrune({ direction: this.directions[0], trials, trial: this.frozen, step: Math.max(...steps) });
  }

  async setUserAttr(key: string, value: unknown): Promise<void> {
    this.frozen.userAttrs[key] = value;
    await this.storage.setUserAttr(this.studyId, this.frozen.number, key, value);
  }

  /** The last reported value, which a pruned trial keeps as its value. */
  lastReported(): number | undefined {
    const steps = Object.keys(this.intermediate).map(Number);
    return steps.length ? this.intermediate[Math.max(...steps)] : undefined;
  }

  /** Reports and pruning work on one value per step: as in Optuna, a multi-objective study has neither. */
  private refuseMultiObjective(what: string): void {
    if (this.directions.length > 1) {
      throw new VaekitError(`${what} is not supported for multi-objective optimization (this study has ${this.directions.length} directions): pruning needs one value per step`, {
        exitCode: 2,
      });
    }
  }

  /** The sampler's context (the study's trials as of now) and the trial's relative draw. */
  private async startSampling(): Promise<{ ctx: SamplerContext; relative: RelativeSample }> {
    const trials = await this.storage.getTrials(this.studyId);
    const ctx: SamplerContext = { direction: this.directions[0], directions: [...this.directions], trials, trialNumber: this.frozen.number };
    const space = (await this.sampler.inferRelativeSearchSpace?.(ctx)) ?? {};
    const params = this.sampler.sampleRelative ? await this.sampler.sampleRelative(ctx, space) : {};
    return { ctx, relative: { space, params } };
  }
}

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
