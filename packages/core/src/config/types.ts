/**
 * The typed shape of a training config after validation: every key has its default filled in.
 * The JSON Schema that produces it is packages/core/schema/config.schema.json.
 */

/**
 * A plugin block: `use` names the plugin (a built-in name such as `mlp`, or `npm-package#name`),
 * every other key is the plugin's own option, checked later against the plugin's optionsSchema.
 */
export interface PluginBlock {
  use: string;
  [option: string]: unknown;
}

/** KL weight annealing (see math/schedules.ts for the formulas). */
export type KlScheduleConfig =
  | { kind: 'constant' }
  | { kind: 'linear'; warmupEpochs: number; warmupSteps?: number; start: number }
  | { kind: 'cyclical'; cycles: number; cycleSteps?: number; ratio: number };

export interface ModelSection {
  /** Size of the latent code z; integer >= 1. */
  latentDim: number;
  encoder: PluginBlock;
  decoder: PluginBlock;
  loss: PluginBlock;
  /** Weight of the KL term; >= 0 (1 = the ELBO). */
  beta: number;
  klSchedule: KlScheduleConfig;
  /** Nats per latent dimension below which KL is not penalised (Kingma et al. 2016); 0 = off. */
  freeBits: number;
  /** Joint property prediction from the posterior mean (SMILES models; see model/property.ts). */
  property?: PropertyConfig;
}

/** `model.property`: the names are checked against the schema's list (qed, logp, tpsa, mw). */
export interface PropertyConfig {
  names: string[];
  /** >= 0; default 1. */
  weight: number;
  /** Hidden layer widths; default [64]. */
  hidden: number[];
}

export interface OptimizerConfig {
  name: 'adam' | 'sgd' | 'rmsprop';
  /** > 0 */
  lr: number;
  /** [0, 1), adam only. */
  beta1: number;
  /** [0, 1), adam only. */
  beta2: number;
  /** > 0 */
  epsilon: number;
}

export interface EarlyStoppingConfig {
  /** Epochs without improvement of the validation negElbo before stopping; 0 = off. */
  patience: number;
  /** Smallest decrease that counts as an improvement, nats. */
  minDelta: number;
}

export interface TrainSection {
  /** Integer >= 1. */
  epochs: number;
  /** Integer >= 1. */
  batchSize: number;
  optimizer: OptimizerConfig;
  /** Integer. */
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** Threads of the native kernels, 1..256; unset = every core (defaultThreads()). */
  threads?: number;
  /** Maximum global gradient norm; 0 = off. */
  clipNorm: number;
  earlyStopping: EarlyStoppingConfig;
}

export interface EvalSection {
  /** Importance samples for the IWAE NLL on the test set; 0 = skip. */
  iwaeSamples: number;
  /** Integer >= 1. */
  batchSize: number;
  /** Variance of E[z|x] above which a latent dimension counts as active. */
  activeUnitThreshold: number;
}

export interface OutputSection {
  images: boolean;
  /** Integer >= 2. */
  traversalSteps: number;
}

export interface TrainConfig {
  /** Optional pointer to the JSON Schema, for editors; ignored. */
  $schema?: string;
  data: PluginBlock;
  model: ModelSection;
  train: TrainSection;
  eval: EvalSection;
  output: OutputSection;
  /** Reserved for the tuner: checked there, free-form here. */
  study?: Record<string, unknown>;
  /** Reserved for `vaekit anomaly`: checked there, free-form here. */
  anomaly?: Record<string, unknown>;
  /** Reserved for the tuner: checked there, free-form here. */
  search?: Record<string, unknown>;
}

/** Where a config came from, for messages. */
export interface ConfigSource {
  /** The file as it should be shown to the user (usually relative to the working directory). */
  file?: string;
}

/** Where a plugin's options sit, for messages: `path` is the block's dotted path, such as "model.encoder". */
export interface OptionsLocation {
  file?: string;
  path: string;
}
