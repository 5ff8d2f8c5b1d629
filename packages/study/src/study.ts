import { ConfigError, VaekitError } from './errors';
import { hypervolume } from './multiobjective/hypervolume';
import { toMinimize, trialValues } from './multiobjective/pareto';
import { createPruner, NopPruner, Pruner } from './pruners';
import { createSampler } from './samplers';
import type { BeforeTrialContext, Sampler, TrialClaim } from './samplers/sampler';
import { openStorage } from './storages';
import { bestTrial, bestTrials } from './storages/rules';
import { Trial, TrialPruned } from './trial';
import type { Direction, FrozenTrial, ParamValue, Storage } from './types';

export interface SamplerSpec {
  name: 'tpe' | 'random' | 'grid' | 'qmc' | 'gp' | 'nsga2';
  seed?: number;
  [option: string]: unknown;
}

export interface PrunerSpec {
  name: string;
  [option: string]: unknown;
}

export interface StudyOptions {
  name?: string;
  /** A single-objective study's direction. */
  direction?: Direction;
  /**
   * A multi-objective study: one direction per objective, and the objective returns one value
   * per direction. Give `direction` or `directions`, not both.
   */
  directions?: Direction[];
  sampler?: SamplerSpec | Sampler;
  /** For the grid sampler: each parameter's values. */
  searchSpace?: Record<string, ParamValue[]>;
  pruner?: PrunerSpec | Pruner;
  /** A Storage, or a URL: `sqlite:PATH`, `postgres://…`, `memory:` (the default). */
  storage?: string | Storage;
  /** Free attributes kept with the study (the tuner stores its metric and config there). */
  attrs?: Record<string, unknown>;
}

export interface OptimizeOptions {
  /** The study ends when it holds this many finished (COMPLETE or PRUNED) trials, across all workers. */
  nTrials: number;
  /** Stop starting new trials after this long. */
  timeoutSeconds?: number;
  /** Trials run concurrently in this process (the objective must be async to overlap). */
  workers?: number;
  /** How often a running trial tells the storage it is alive. */
  heartbeatSeconds?: number;
  /** RUNNING trials silent for this long are marked FAIL before new ones start (dead workers). */
  staleSeconds?: number;
  /** Stop after this many failed trials in this call; failures do not count towards nTrials. */
  maxFailures?: number;
  /** Called when a trial ends, with its final state. */
  onTrialEnd?: (t: FrozenTrial, study: Study) => void | Promise<void>;
}

/** Returns the trial's value, or in a multi-objective study its values (one per direction). */
export type Objective = (trial: Trial) => number | number[] | Promise<number | number[]>;

let unnamed = 0;

/** A study: its storage, sampler and pruner, and the loop that runs trials. */
export class Study {
  readonly name: string;
  /** One direction per objective (one for a single-objective study). */
  readonly directions: Direction[];
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  private storage?: Storage;
  private studyId = -1;
  private cache: FrozenTrial[] = [];

  constructor(private readonly o: StudyOptions) {
    this.name = o.name ?? `study-${process.pid}-${++unnamed}`;
    this.directions = studyDirections(o);
    this.sampler = isSampler(o.sampler) ? o.sampler : createSampler(o.sampler ?? { name: 'tpe' }, o.searchSpace);
    this.pruner = isPruner(o.pruner) ? o.pruner : createPruner(o.pruner ?? { name: 'none' });
    if (this.isMultiObjective && this.sampler.singleObjective) {
      throw new ConfigError(
        `study.sampler: the ${this.sampler.name} sampler optimises one objective, and this study has ${this.directions.length} directions; use tpe, nsga2, random, qmc or grid`,
        'study.sampler',
      );
    }
    if (this.isMultiObjective && !(this.pruner instanceof NopPruner)) {
      throw new ConfigError(
        `study.pruner: pruning is not supported for multi-objective studies (this one has ${this.directions.length} directions); use the pruner none`,
        'study.pruner',
      );
    }
  }

  /** Whether the study has several objectives. */
  get isMultiObjective(): boolean {
    return this.directions.length > 1;
  }

  /** The direction of a single-objective study (a multi-objective one has `directions` instead). */
  get direction(): Direction {
    if (this.isMultiObjective) throw multiObjectiveError('study.direction', 'study.directions');
    return this.directions[0];
  }

  /** Opens the storage and creates or loads the study. */
  async open(): Promise<this> {
    if (this.storage) return this;
    this.storage = typeof this.o.storage === 'object' ? this.o.storage : await openStorage(this.o.storage ?? 'memory:', { defaultSqlitePath: 'studies.db' });
    this.studyId = await this.storage.createStudy(this.name, this.directions, this.o.attrs);
    await this.refresh();
    return this;
  }

  async close(): Promise<void> {
    await this.storage?.close();
    this.storage = undefined;
  }

  /** Re-reads the trials from storage (other workers may have added some). */
  async refresh(): Promise<FrozenTrial[]> {
    this.cache = await this.storage!.getTrials(this.studyId);
    return this.cache;
  }

  get trials(): FrozenTrial[] {
    return this.cache;
  }

  /** The best trial read so far (see `bestTrial` of the storages: COMPLETE, finite value, ties to the lowest number). */
  get bestTrial(): FrozenTrial | undefined {
    if (this.isMultiObjective) throw multiObjectiveError('study.bestTrial', 'study.bestTrials');
    return bestTrial(this.cache, this.directions[0]);
  }

  /**
   * The Pareto-optimal COMPLETE trials read so far, by number (Optuna's `best_trials`); in a
   * single-objective study, the best trial alone (none when there is none).
   */
  get bestTrials(): FrozenTrial[] {
    return bestTrials(this.cache, this.directions);
  }

  /**
   * The hypervolume of the Pareto front read so far against `reference` (one value per
   * objective, worse than every point of interest in each direction): the size of the region
   * that the front dominates and that dominates the reference. Points not strictly better than
   * the reference in every objective add nothing.
   */
  hypervolume(reference: readonly number[]): number {
    if (!Array.isArray(reference) || reference.length !== this.directions.length || reference.some((r) => typeof r !== 'number' || Number.isNaN(r))) {
      throw new ConfigError(`study.hypervolume: the reference point needs ${this.directions.length} numbers, one per direction, found ${JSON.stringify(reference)}`);
    }
    const ref = toMinimize(reference, this.directions);
    return hypervolume(
      this.bestTrials.map((t) => toMinimize(trialValues(t)!, this.directions)),
      ref,
    );
  }

  get bestValue(): number | undefined {
    return this.bestTrial?.value;
  }

  get bestParams(): Record<string, ParamValue> | undefined {
    return this.bestTrial?.params;
  }

  /** Runs trials until the study holds nTrials finished ones, the grid is exhausted, or time runs out. */
  async optimize(objective: Objective, o: OptimizeOptions): Promise<void> {
    await this.open();
    const storage = this.storage!;
    const deadline = o.timeoutSeconds ? Date.now() + o.timeoutSeconds * 1000 : Infinity;
    const maxFailures = o.maxFailures ?? Math.max(10, o.nTrials);
    let failures = 0;
    let stop = false;
    const heartbeat = o.heartbeatSeconds ?? 10;
    const stale = o.staleSeconds ?? Math.max(60, 6 * heartbeat);
    const worker = async () => {
      while (!stop && Date.now() < deadline && failures < maxFailures) {
        await storage.failStaleTrials(this.studyId, stale);
        const claimed = await this.claim(o.nTrials);
        if (claimed === 'done') break;
        if (claimed === 'wait') {
          // Trials of other workers are running: they may yet fail (or go stale) and leave work.
          await sleep(Math.min(500, heartbeat * 100));
          continue;
        }
        const state = await this.runTrial(claimed, objective, heartbeat);
        if (state === 'FAIL') failures++;
        const final = await storage.getTrial(this.studyId, claimed.number);
        if (final) await o.onTrialEnd?.(final, this);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, o.workers ?? 1) }, worker));
    } finally {
      stop = true;
      await this.refresh();
    }
  }

  /**
   * Claims the next trial through the sampler's `beforeTrial` (a plain new trial without it), within
   * nTrials live trials. 'wait' when there is nothing to claim now only because trials are still
   * running (they may fail and leave work), 'done' when the study is finished.
   */
  private async claim(nTrials: number): Promise<FrozenTrial | 'wait' | 'done'> {
    const storage = this.storage!;
    for (;;) {
      const trials = await storage.getTrials(this.studyId);
      const finished = trials.filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED').length;
      const running = trials.some((t) => t.state === 'RUNNING');
      if (finished >= nTrials) return 'done';
      let created = false;
      const ctx: BeforeTrialContext = {
        direction: this.directions[0],
        directions: [...this.directions],
        trials,
        createTrial: async (opts = {}) => {
          if (created) throw new Error(`sampler ${this.sampler.name}: beforeTrial called createTrial twice; it creates one trial`);
          created = true;
          return storage.createTrial(this.studyId, { ...opts, maxTrials: nTrials });
        },
      };
      const claimed: TrialClaim = this.sampler.beforeTrial ? await this.sampler.beforeTrial(ctx) : await ctx.createTrial();
      // Nothing to claim (or no attempt made): wait while trials are running, in case one fails.
      if (claimed === 'exhausted' || (!claimed && !created)) return running ? 'wait' : 'done';
      if (claimed) return claimed;
      // Refused: the study is full of live trials (wait for them), or another worker took the claim first (look again).
      const now = await storage.getTrials(this.studyId);
      if (now.filter((t) => t.state !== 'FAIL').length >= nTrials) return now.some((t) => t.state === 'RUNNING') ? 'wait' : 'done';
    }
  }

  /** Runs the objective on a claimed trial, records how it ended, then calls the sampler's afterTrial. */
  private async runTrial(frozen: FrozenTrial, objective: Objective, heartbeatSeconds: number): Promise<'COMPLETE' | 'PRUNED' | 'FAIL'> {
    const state = await this.evaluate(frozen, objective, heartbeatSeconds);
    if (this.sampler.afterTrial) {
      const trials = await this.storage!.getTrials(this.studyId);
      const final = trials.find((t) => t.number === frozen.number);
      if (final) await this.sampler.afterTrial({ direction: this.directions[0], directions: [...this.directions], trials, trialNumber: frozen.number }, final);
    }
    return state;
  }

  private async evaluate(frozen: FrozenTrial, objective: Objective, heartbeatSeconds: number): Promise<'COMPLETE' | 'PRUNED' | 'FAIL'> {
    const storage = this.storage!;
    const trial = new Trial(storage, this.studyId, frozen, this.sampler, this.pruner, this.directions);
    const beat = setInterval(() => void storage.heartbeat(this.studyId, frozen.number).catch(() => undefined), heartbeatSeconds * 1000);
    beat.unref?.();
    try {
      const result = checkResult(await objective(trial), this.directions.length);
      if (typeof result === 'string') {
        await storage.finishTrial(this.studyId, frozen.number, 'FAIL', undefined, result);
        return 'FAIL';
      }
      await storage.finishTrial(this.studyId, frozen.number, 'COMPLETE', result);
      return 'COMPLETE';
    } catch (e) {
      if (e instanceof TrialPruned) {
        await storage.finishTrial(this.studyId, frozen.number, 'PRUNED', trial.lastReported());
        return 'PRUNED';
      }
      await storage.finishTrial(this.studyId, frozen.number, 'FAIL', undefined, (e as Error)?.message ?? String(e));
      return 'FAIL';
    } finally {
      clearInterval(beat);
    }
  }
}

/**
 * What the objective returned, as the storage keeps it: a number (single-objective; a list of
 * one number is accepted too, as in Optuna) or a vector of one finite number per direction;
 * otherwise why the trial fails.
 */
function checkResult(result: unknown, nObjectives: number): number | number[] | string {
  const shown = (v: unknown) => (Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v));
  if (nObjectives === 1) {
    const v = Array.isArray(result) && result.length === 1 ? result[0] : result;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `the objective returned ${shown(result)}, not a finite number`;
    return v;
  }
  if (!Array.isArray(result)) {
    return `the objective returned ${shown(result)}, not a list of ${nObjectives} numbers (the study has ${nObjectives} directions)`;
  }
  if (result.length !== nObjectives) {
    return `the objective returned ${result.length} value${result.length === 1 ? '' : 's'} (${shown(result)}), but the study has ${nObjectives} directions: one value per direction`;
  }
  const bad = result.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) return `the objective returned ${shown(result)}: value ${bad + 1} is not a finite number`;
  return result as number[];
}

/** The directions of a study's options: `direction` or `directions`, exactly one of them. */
function studyDirections(o: StudyOptions): Direction[] {
  if (o.direction !== undefined && o.directions !== undefined) {
    throw new ConfigError('study: give direction (one objective) or directions (one per objective), not both', 'study.directions');
  }
  if (o.directions !== undefined) {
    if (!Array.isArray(o.directions) || o.directions.length === 0) {
      throw new ConfigError(`study.directions: expected a non-empty list of minimize / maximize, found ${JSON.stringify(o.directions)}`, 'study.directions');
    }
    o.directions.forEach((d, i) => {
      if (d !== 'minimize' && d !== 'maximize') throw new ConfigError(`study.directions[${i}]: expected minimize or maximize, found ${JSON.stringify(d)}`, 'study.directions');
    });
    return [...o.directions];
  }
  if (o.direction !== 'minimize' && o.direction !== 'maximize') {
    throw configError(`study.direction: expected minimize or maximize, found ${JSON.stringify(o.direction)}`);
  }
  return [o.direction];
}

/** Asking a multi-objective study for what only a single-objective one has (Optuna raises the same). */
function multiObjectiveError(what: string, instead: string): VaekitError {
  return new VaekitError(`${what} is not defined for a multi-objective study; use ${instead}`, { exitCode: 2 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isSampler(x: unknown): x is Sampler {
  if (!x || typeof x !== 'object') return false;
  if (typeof (x as Sampler).sampleIndependent === 'function') return true;
  if (typeof (x as { sample?: unknown }).sample === 'function') {
    throw new TypeError('study.sampler: a sampler implements sampleIndependent(ctx, name, dist) (and optionally beforeTrial, inferRelativeSearchSpace, sampleRelative, afterTrial), not sample()');
  }
  return false;
}

function isPruner(x: unknown): x is Pruner {
  return !!x && typeof (x as Pruner).shouldPrune === 'function';
}

function configError(message: string): ConfigError {
  return new ConfigError(message, 'study.direction');
}

/** Creates a study (opened on first use); `await study.optimize(objective, { nTrials })` runs it. */
export function createStudy(o: StudyOptions): Study {
  return new Study(o);
}

/** Opens an existing or new study now. */
export async function loadStudy(o: StudyOptions): Promise<Study> {
  return new Study(o).open();
}
