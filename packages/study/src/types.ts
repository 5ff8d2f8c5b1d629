/**
 * The study engine's data model, after Optuna's: a study holds trials; a trial has a number,
 * a state, the parameters it was given, its final value (a vector of values, one per direction,
 * in a multi-objective study) and the values it reported per step.
 * Samplers and pruners read frozen trials; storages persist them. Nothing here knows about VAEs.
 */

export type Direction = 'minimize' | 'maximize';
export type TrialState = 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAIL' | 'WAITING';

/** How a parameter is drawn. Floats and ints may be log-scaled or stepped; categoricals pick among choices. */
export type Distribution =
  | { type: 'float'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'categorical'; choices: Array<string | number | boolean | null> };

export type ParamValue = string | number | boolean | null;

export interface FrozenTrial {
  /** 0-based, unique within a study, in order of creation. */
  number: number;
  state: TrialState;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  /** The objective's final value (COMPLETE), or the last reported one (PRUNED). In a multi-objective study, `values[0]`. */
  value?: number;
  /**
   * Multi-objective studies only: the objective's values, one per direction of the study (a
   * single-objective trial has none; read either kind with `trialValues`).
   */
  values?: number[];
  /** step → value reported with trial.report. */
  intermediate: Record<number, number>;
  userAttrs: Record<string, unknown>;
  /** Set on a trial created to evaluate fixed parameters (grid points, enqueued trials). */
  systemAttrs: Record<string, unknown>;
  startedAt?: string;
  finishedAt?: string;
  /** Last sign of life from the worker running it (ISO time). */
  heartbeat?: string;
  /** Why a trial failed. */
  error?: string;
}

/** A Pareto-optimal trial of a multi-objective study, as listings show it. */
export interface FrontTrial {
  number: number;
  values: number[];
  params: Record<string, ParamValue>;
}

export interface StudySummary {
  name: string;
  /** The first (single-objective: the only) direction. */
  direction: Direction;
  /** One direction per objective. */
  directions: Direction[];
  counts: Record<TrialState, number>;
  /** Single-objective studies: the best trial. */
  best?: { number: number; value: number; params: Record<string, ParamValue> };
  /** Multi-objective studies: the Pareto-optimal COMPLETE trials, by number. */
  front?: FrontTrial[];
}

/** A study as a storage keeps it. */
export interface StoredStudy {
  id: number;
  name: string;
  /** `directions[0]`. */
  direction: Direction;
  directions: Direction[];
  attrs: Record<string, unknown>;
}

/**
 * Persistence of studies. Every method that changes state is atomic: two workers (threads,
 * processes or machines) sharing one storage never get the same trial number, nor the same
 * grid point when both claim through `createTrial` with a `claimKey`.
 */
export interface Storage {
  /**
   * Creates the study if missing, returns its id. `direction` is one direction, or one per
   * objective (a multi-objective study); an existing study must have the same ones (ConfigError).
   */
  createStudy(name: string, direction: Direction | readonly Direction[], attrs?: Record<string, unknown>): Promise<number>;
  getStudy(name: string): Promise<StoredStudy | undefined>;
  listStudies(): Promise<StudySummary[]>;
  /**
   * Creates a RUNNING trial with the next number. With `maxTrials`, refuses (returns undefined)
   * when the study already has that many trials that are COMPLETE, PRUNED or RUNNING... i.e. the
   * count of non-FAIL trials reached the target — so `trials` counts for the whole study.
   * With `claimKey` (e.g. a grid point's index), refuses when a non-FAIL trial already holds that key.
   * `systemAttrs` are stored with the trial (a sampler's bookkeeping, e.g. NSGA-II's generation).
   */
  createTrial(
    studyId: number,
    opts?: {
      maxTrials?: number;
      claimKey?: string;
      params?: Record<string, ParamValue>;
      distributions?: Record<string, Distribution>;
      systemAttrs?: Record<string, unknown>;
    },
  ): Promise<FrozenTrial | undefined>;
  setParam(studyId: number, trialNumber: number, name: string, value: ParamValue, dist: Distribution): Promise<void>;
  reportIntermediate(studyId: number, trialNumber: number, step: number, value: number): Promise<void>;
  setUserAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void>;
  /**
   * Moves a RUNNING trial to a final state; a no-op returning false if it is no longer RUNNING.
   * `value` is a vector (one per direction) in a multi-objective study.
   */
  finishTrial(studyId: number, trialNumber: number, state: 'COMPLETE' | 'PRUNED' | 'FAIL', value?: number | readonly number[], error?: string): Promise<boolean>;
  heartbeat(studyId: number, trialNumber: number): Promise<void>;
  /** Marks RUNNING trials whose heartbeat is older than `seconds` as FAIL; returns their numbers. */
  failStaleTrials(studyId: number, seconds: number): Promise<number[]>;
  getTrials(studyId: number, states?: TrialState[]): Promise<FrozenTrial[]>;
  getTrial(studyId: number, trialNumber: number): Promise<FrozenTrial | undefined>;
  close(): Promise<void>;
}
