import { configSchema } from '@vaekit/core';
import { prunerSchema, samplerSchema } from '@vaekit/study';

/** What a study can optimise, all measured on the validation split (the test split when there is none). */
export const METRICS = {
  negElbo: 'minimize',
  recon: 'minimize',
  kl: 'minimize',
  iwaeNll: 'minimize',
  // Text models: perplexity per predicted token (from the IWAE bound when eval.iwaeSamples > 0).
  ppl: 'minimize',
  activeUnits: 'maximize',
  mutualInfo: 'maximize',
  // Mean over the normal classes of the one-class protocol (needs an anomaly: section).
  rocAuc: 'maximize',
  prAuc: 'maximize',
} as const;
export type Metric = keyof typeof METRICS;

/** The `study:` section. The sampler's and pruner's options come from @vaekit/study. */
export const studySchema = {
  title: 'Study',
  description: 'Hyperparameter search settings (name, metric or metrics, direction or directions, sampler, pruner, trials, workers, storage).',
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'Study name; also its folder under --out.' },
    metric: { enum: Object.keys(METRICS), default: 'negElbo', description: 'What the study optimises, on the validation split.' },
    direction: { enum: ['minimize', 'maximize'], description: 'Default: minimize for nats, maximize for activeUnits and mutualInfo.' },
    metrics: {
      type: 'array',
      minItems: 2,
      maxItems: 8,
      uniqueItems: true,
      items: { enum: Object.keys(METRICS).filter((m) => m !== 'rocAuc' && m !== 'prAuc') },
      description: 'A multi-objective study: the metrics it optimises together (such as [recon, kl], the rate–distortion front), instead of metric. Trials then have one value per metric, and the study keeps their Pareto front.',
    },
    directions: {
      type: 'array',
      minItems: 2,
      maxItems: 8,
      items: { enum: ['minimize', 'maximize'] },
      description: "With metrics: one direction per metric, in the same order, instead of direction (default: each metric's own, as for direction).",
    },
    referencePoint: {
      type: 'array',
      minItems: 2,
      maxItems: 8,
      items: { type: 'number' },
      description: 'With metrics: the point the hypervolume of the front is measured against, one value per metric (default: the worst value of each metric among the COMPLETE trials).',
    },
    enqueue: {
      type: 'array',
      maxItems: 10000,
      items: { type: 'object', minProperties: 1, additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } },
      description:
        "Trials to run first, with these values of searched paths (such as a grid over model.beta to compare the search with); a searched path an entry leaves out keeps the config's own value, or is sampled when the config has none.",
    },
    sampler: {
      ...samplerSchema(),
      description:
        'grid, random, tpe, qmc, gp or nsga2 and its options (default: grid when every searched path is a grid, else tpe, or nsga2 for a study with metrics; seed 0).',
    },
    pruner: { ...prunerSchema(), default: { name: 'none' } },
    trials: { type: 'integer', minimum: 1, maximum: 1000000, description: 'Finished trials the whole study should hold (default: the grid size, or 20). At most 1000000.' },
    workers: { type: 'integer', minimum: 1, maximum: 256, description: 'Trials run at once, in child processes (default: the number of cores). At most 256.' },
    storage: { type: 'string', description: 'sqlite:PATH, postgres://… or memory: (default: sqlite:OUT/studies.db).' },
    timeout: { type: 'number', exclusiveMinimum: 0, description: 'Seconds after which no new trial starts.' },
    heartbeatSeconds: { type: 'number', exclusiveMinimum: 0, default: 5 },
    staleSeconds: { type: 'number', exclusiveMinimum: 0, default: 60, description: 'A RUNNING trial silent this long is marked FAIL (its worker died).' },
  },
};

const VALUE = { type: ['string', 'number', 'boolean', 'null'] };
const range = (type: 'number' | 'integer') => ({
  required: ['low', 'high'],
  properties: {
    type: {},
    low: { type },
    high: { type },
    log: { type: 'boolean', description: 'Sample on a log scale (needs low > 0).' },
    step: { type, exclusiveMinimum: 0, description: 'Only multiples of step above low.' },
  },
  additionalProperties: false,
});

/**
 * One searched config path: `{ grid: [...] }`, `{ type: float|int, low, high, log?, step? }` or
 * `{ type: categorical, choices: [...] }`. Shapes and types only: the rules between the keys
 * (low <= high, log needs low > 0, step and log, duplicate choices) are validateDistribution's.
 */
export const searchEntrySchema = {
  type: 'object',
  if: { required: ['grid'] },
  then: {
    properties: { grid: { type: 'array', minItems: 1, items: VALUE, description: 'The values to try, each in turn.' } },
    additionalProperties: false,
  },
  else: {
    required: ['type'],
    properties: { type: { enum: ['float', 'int', 'categorical'] } },
    allOf: [
      { if: { properties: { type: { const: 'float' } }, required: ['type'] }, then: range('number') },
      { if: { properties: { type: { const: 'int' } }, required: ['type'] }, then: range('integer') },
      {
        if: { properties: { type: { const: 'categorical' } }, required: ['type'] },
        then: { required: ['choices'], properties: { type: {}, choices: { type: 'array', minItems: 1, items: VALUE } }, additionalProperties: false },
      },
    ],
  },
};

/** The `search:` section: dotted config paths mapped to distributions or grids. */
export const searchSchema = {
  title: 'Search space',
  description: 'Dotted config paths mapped to distributions ({ type: float, low: 0.1, high: 10, log: true }) or grids ({ grid: [1, 2, 4] }).',
  type: 'object',
  additionalProperties: searchEntrySchema,
};

let whole: Record<string, any> | undefined;

/**
 * The schema of a whole search config: the training config's schema with its `study:` and
 * `search:` sections spelled out. A search config is validated against it before any trial starts.
 */
export function searchConfigSchema(): Record<string, any> {
  if (!whole) {
    whole = configSchema();
    whole.title = 'vaekit search config';
    whole.properties.study = studySchema;
    whole.properties.search = searchSchema;
  }
  return whole;
}
