/**
 * The `vaekit` command line, its YAML config loading and the VAE search objective.
 *
 * The study engine (`createStudy`, samplers, pruners, storages) and the VAE pipelines
 * (`runTraining`, `builtInRegistry`, pictures) are re-exported here so existing imports keep
 * working; they are deprecated: import them from `@vaekit/study` and `@vaekit/pipelines`.
 *
 * @packageDocumentation
 */
export * from './config';
export { main } from './cli/main';

export {
  /** @deprecated Import from '@vaekit/pipelines'. */
  builtInRegistry,
  /** @deprecated Import from '@vaekit/pipelines'. */
  runTraining,
  /** @deprecated Import from '@vaekit/pipelines'. */
  writeImageGrid,
  /** @deprecated Import from '@vaekit/pipelines'. */
  isImageShape,
  /** @deprecated Import from '@vaekit/pipelines'. */
  writePictures,
  /** @deprecated Import from '@vaekit/pipelines'. */
  type TrainRunOptions,
  /** @deprecated Import from '@vaekit/pipelines'. */
  type TrainRunResult,
} from '@vaekit/pipelines';

export {
  /** @deprecated Import from '@vaekit/study'. */
  type Direction,
  /** @deprecated Import from '@vaekit/study'. */
  type TrialState,
  /** @deprecated Import from '@vaekit/study'. */
  type Distribution,
  /** @deprecated Import from '@vaekit/study'. */
  type ParamValue,
  /** @deprecated Import from '@vaekit/study'. */
  type FrozenTrial,
  /** @deprecated Import from '@vaekit/study'. */
  type StudySummary,
  /** @deprecated Import from '@vaekit/study'. */
  type Storage,
  /** @deprecated Import from '@vaekit/study'. */
  TrialPruned,
  /** @deprecated Import from '@vaekit/study'. */
  Trial,
  /** @deprecated Import from '@vaekit/study'. */
  createStudy,
  /** @deprecated Import from '@vaekit/study'. */
  loadStudy,
  /** @deprecated Import from '@vaekit/study'. */
  type SamplerSpec,
  /** @deprecated Import from '@vaekit/study'. */
  type PrunerSpec,
  /** @deprecated Import from '@vaekit/study'. */
  type StudyOptions,
  /** @deprecated Import from '@vaekit/study'. */
  type OptimizeOptions,
  /** @deprecated Import from '@vaekit/study'. */
  type Objective,
  /** @deprecated Import from '@vaekit/study'. */
  Study,
  /** @deprecated Import from '@vaekit/study'. */
  createSampler,
  /** @deprecated Import from '@vaekit/study'. */
  type Sampler,
  /** @deprecated Import from '@vaekit/study'. */
  type SamplerContext,
  /** @deprecated Import from '@vaekit/study'. */
  contains,
  /** @deprecated Import from '@vaekit/study'. */
  DistributionError,
  /** @deprecated Import from '@vaekit/study'. */
  effectiveHigh,
  /** @deprecated Import from '@vaekit/study'. */
  isSingle,
  /** @deprecated Import from '@vaekit/study'. */
  roundToStep,
  /** @deprecated Import from '@vaekit/study'. */
  sameDistribution,
  /** @deprecated Import from '@vaekit/study'. */
  singleValue,
  /** @deprecated Import from '@vaekit/study'. */
  stepCount,
  /** @deprecated Import from '@vaekit/study'. */
  validateDistribution,
  /** @deprecated Import from '@vaekit/study'. */
  RandomSampler,
  /** @deprecated Import from '@vaekit/study'. */
  sampleUniform,
  /** @deprecated Import from '@vaekit/study'. */
  GridSampler,
  /** @deprecated Import from '@vaekit/study'. */
  type GridSearchSpace,
  /** @deprecated Import from '@vaekit/study'. */
  TPESampler,
  /** @deprecated Import from '@vaekit/study'. */
  defaultGamma,
  /** @deprecated Import from '@vaekit/study'. */
  hyperoptGamma,
  /** @deprecated Import from '@vaekit/study'. */
  type TPESamplerOptions,
  /** @deprecated Import from '@vaekit/study'. */
  ParzenEstimator,
  /** @deprecated Import from '@vaekit/study'. */
  defaultWeights,
  /** @deprecated Import from '@vaekit/study'. */
  type ParzenOptions,
  /** @deprecated Import from '@vaekit/study'. */
  Rng,
  /** @deprecated Import from '@vaekit/study'. */
  hash128,
  /** @deprecated Import from '@vaekit/study'. */
  type SamplerName,
  /** @deprecated Import from '@vaekit/study'. */
  type SamplerConfig,
  /** @deprecated Import from '@vaekit/study'. */
  createPruner,
  /** @deprecated Import from '@vaekit/study'. */
  type Pruner,
  /** @deprecated Import from '@vaekit/study'. */
  type PrunerContext,
  /** @deprecated Import from '@vaekit/study'. */
  NopPruner,
  /** @deprecated Import from '@vaekit/study'. */
  MedianPruner,
  /** @deprecated Import from '@vaekit/study'. */
  PercentilePruner,
  /** @deprecated Import from '@vaekit/study'. */
  nanPercentile,
  /** @deprecated Import from '@vaekit/study'. */
  type PercentilePrunerOptions,
  /** @deprecated Import from '@vaekit/study'. */
  SuccessiveHalvingPruner,
  /** @deprecated Import from '@vaekit/study'. */
  rungKey,
  /** @deprecated Import from '@vaekit/study'. */
  type SuccessiveHalvingPrunerOptions,
  /** @deprecated Import from '@vaekit/study'. */
  type PrunerName,
  /** @deprecated Import from '@vaekit/study'. */
  type PrunerConfig,
  /** @deprecated Import from '@vaekit/study'. */
  parseStorageUrl,
  /** @deprecated Import from '@vaekit/study'. */
  openStorage,
  /** @deprecated Import from '@vaekit/study'. */
  InMemoryStorage,
  /** @deprecated Import from '@vaekit/study'. */
  SqliteStorage,
  /** @deprecated Import from '@vaekit/study'. */
  type SqliteStorageOptions,
  /** @deprecated Import from '@vaekit/study'. */
  PostgresStorage,
  /** @deprecated Import from '@vaekit/study'. */
  type PostgresStorageOptions,
  /** @deprecated Import from '@vaekit/study'. */
  StorageError,
  /** @deprecated Import from '@vaekit/study'. */
  TrialNotRunningError,
  /** @deprecated Import from '@vaekit/study'. */
  type StorageExtras,
  /** @deprecated Import from '@vaekit/study'. */
  type VaekitStorage,
  /** @deprecated Import from '@vaekit/study'. */
  STORAGE_URL_FORMS,
  /** @deprecated Import from '@vaekit/study'. */
  type StorageTarget,
  /** @deprecated Import from '@vaekit/study'. */
  VaekitError,
  /** @deprecated Import from '@vaekit/study'. */
  ConfigError,
  /** @deprecated Import from '@vaekit/study'. */
  UsageError,
  /** @deprecated Import from '@vaekit/study'. */
  isUserError,
} from '@vaekit/study';
