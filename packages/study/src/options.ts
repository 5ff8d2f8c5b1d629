/**
 * The options of every sampler and pruner: which exist, what values they take, and the rules
 * between them. This is the one description both sides use:
 *
 * - `createSampler` / `createPruner` check a spec with `checkSamplerSpec` / `checkPrunerSpec`,
 *   which throw a ConfigError naming the option's path (`study.sampler.nStartupTrials`);
 * - `samplerSchema()` / `prunerSchema()` give the same options as JSON Schema (draft-07), for a
 *   config file's validator (the vaekit CLI composes them into its config schema) and for editors.
 *
 * Value rules use a small subset of JSON Schema (type, enum, minimum, maximum, exclusiveMinimum,
 * anyOf), so the same object is both the schema and what this package checks against.
 */
import { ConfigError } from './errors';

/** A JSON Schema (draft-07) object. */
export type JsonSchema = { [keyword: string]: unknown };

export interface OptionSpec {
  /** The values allowed, as JSON Schema. Absent for a function-valued option. */
  schema?: JsonSchema;
  /** True for options whose value is a function (API only). */
  fn?: true;
  /** What the option takes, for messages: "an integer >= 0". */
  expected: string;
  /** What the option does, and its default. */
  description: string;
  /** Only through the API (functions, the grid sampler's own search space): not in a config file. */
  apiOnly?: true;
  required?: true;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

type SamplerName = 'tpe' | 'random' | 'grid' | 'qmc' | 'gp' | 'nsga2';
type PrunerName = 'none' | 'median' | 'percentile' | 'asha' | 'successiveHalving';

const int = (minimum: number, description: string, maximum?: number): OptionSpec => ({
  schema: maximum === undefined ? { type: 'integer', minimum } : { type: 'integer', minimum, maximum },
  expected: maximum === undefined ? `an integer >= ${minimum}` : `an integer from ${minimum} to ${maximum}`,
  description,
});
const bool = (description: string): OptionSpec => ({ schema: { type: 'boolean' }, expected: 'true or false', description });
const anyInt = (description: string): OptionSpec => ({ schema: { type: 'integer' }, expected: 'an integer', description });
const fn = (description: string): OptionSpec => ({ fn: true, expected: 'a function', description, apiOnly: true });

const UINT32_MAX = 2 ** 32 - 1;

/** Each sampler's options. */
export const SAMPLER_OPTIONS: Readonly<Record<SamplerName, OptionTable>> = {
  tpe: {
    seed: int(0, 'Seed of the random numbers (default: a random seed; vaekit search: 0).', UINT32_MAX),
    nStartupTrials: int(0, 'Parameters are drawn at random until this many trials are COMPLETE or PRUNED. Default 10.'),
    nEiCandidates: int(1, 'Candidates drawn from l(x) per suggestion. Default 24.'),
    gamma: fn('Size of the "below" group for n finished trials. Default min(ceil(0.1 n), 25).'),
    weights: fn('Weights of n observations, oldest first. Default: flat for the 25 most recent, a ramp for older ones.'),
    priorWeight: {
      schema: { type: 'number', exclusiveMinimum: 0 },
      expected: 'a positive number',
      description: 'Weight of the prior component. Default 1.',
    },
    considerPrior: bool('Add a prior component to the Parzen estimators. Default true.'),
    considerMagicClip: bool('Floor the kernel widths (the "magic clip"). Default true.'),
    considerEndpoints: bool('Let the edge kernels reach the range ends. Default false.'),
    multivariate: bool('Sample the parameters every finished trial shares jointly. Default false.'),
    constantLiar: bool("Count other workers' RUNNING trials as the worst observations. Default true."),
    normalizedKernels: bool("Score continuous kernels with the normalised density (Optuna >= 3.5) instead of Optuna 3.1's. Default false."),
    stream: {
      schema: { enum: ['keyed', 'numpy'] },
      expected: "'keyed' or 'numpy'",
      description:
        "Where random numbers come from: 'numpy' (one sequence per sampler, as Optuna draws) or 'keyed' (one per seed, trial and parameter). Default numpy; vaekit search picks keyed for worker processes and PostgreSQL storages.",
    },
  },
  random: {
    seed: anyInt('Seed of the random numbers (default: a random seed; vaekit search: 0).'),
  },
  grid: {
    seed: anyInt('Shuffles the order of the grid points (default: no shuffle).'),
    searchSpace: {
      schema: { type: 'object', additionalProperties: { type: 'array', minItems: 1 } },
      expected: 'a mapping of parameter names to lists of values',
      description: 'The values of every parameter (vaekit search takes them from the search: section).',
      apiOnly: true,
    },
  },
  qmc: {
    seed: int(0, 'Seed of the scramble (default: a random seed; vaekit search: 0).', UINT32_MAX),
    scramble: bool('Scramble the Sobol sequence (linear matrix scramble and digital shift, as SciPy). Default true.'),
  },
  gp: {
    seed: int(0, 'Seed of the start-up Sobol points and of the candidates (default: a random seed; vaekit search: 0).', UINT32_MAX),
    nStartupTrials: int(0, 'Trials drawn from the scrambled Sobol sequence until this many are COMPLETE. Default 10.'),
    nCandidates: int(1, 'Quasi-random candidates scored per suggestion before the best are refined. Default 2048.', 1048576),
    nRefine: int(0, 'Candidates refined by gradient ascent and local search. Default 10.', 1000),
    deterministicObjective: bool('The objective has no noise: hold the noise variance at 1e-6 instead of fitting it. Default false.'),
  },
  nsga2: {
    seed: int(0, 'Seed of the random numbers (default: a random seed; vaekit search: 0).', UINT32_MAX),
    populationSize: int(2, 'Trials per generation. Default 50.'),
    mutationProb: {
      schema: { type: 'number', minimum: 0, maximum: 1 },
      expected: 'a number from 0 to 1',
      description: "Probability that a child's parameter is drawn at random instead of inherited. Default 1 / (number of parameters).",
    },
    crossoverProb: {
      schema: { type: 'number', minimum: 0, maximum: 1 },
      expected: 'a number from 0 to 1',
      description: 'Probability that a child is a uniform crossover of two parents (else a copy of one). Default 0.9.',
    },
    swappingProb: {
      schema: { type: 'number', minimum: 0, maximum: 1 },
      expected: 'a number from 0 to 1',
      description: "Uniform crossover: probability that a parameter keeps the first parent's value. Default 0.5.",
    },
    constraints: fn('Constraint values of a COMPLETE trial (a value > 0 violates); ranks trials by constrained dominance. Default none.'),
    stream: {
      schema: { enum: ['keyed', 'numpy'] },
      expected: "'keyed' or 'numpy'",
      description:
        "Where random numbers come from: 'numpy' (two sequences per sampler, as Optuna draws: a sequential study suggests Optuna 3.1's trials) or 'keyed' (one per seed and trial). Default numpy; vaekit search picks keyed for worker processes and PostgreSQL storages.",
    },
  },
};
const MEDIAN_OPTIONS: OptionTable = {
  nStartupTrials: int(0, 'Pruning is off until this many trials are COMPLETE. Default 5.'),
  nWarmupSteps: int(0, 'Pruning is off while the step is below this. Default 0.'),
  intervalSteps: int(1, 'Check every this many steps after the warm-up. Default 1.'),
  nMinTrials: int(1, 'Do not prune unless at least this many COMPLETE trials reported at the step. Default 1.'),
};

const SUCCESSIVE_HALVING_OPTIONS: OptionTable = {
  minResource: {
    schema: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'auto' }] },
    expected: "an integer >= 1 or 'auto'",
    description: "Step of the first rung, or 'auto' (the longest COMPLETE trial's last step / 100). Default 1.",
  },
  reductionFactor: int(2, 'Only the top 1/reductionFactor of a rung is promoted. Default 3.'),
  minEarlyStoppingRate: int(0, 'The first rung is at minResource · reductionFactor^minEarlyStoppingRate. Default 0.'),
  bootstrapCount: int(0, 'Prune unless more than this many trials reached the rung. Default 0; needs an explicit minResource when above 0.'),
};

/** Each pruner's options (asha and successiveHalving are the same pruner). */
export const PRUNER_OPTIONS: Readonly<Record<PrunerName, OptionTable>> = {
  none: {},
  median: MEDIAN_OPTIONS,
  percentile: {
    percentile: {
      schema: { type: 'number', minimum: 0, maximum: 100 },
      expected: 'between 0 and 100',
      description: 'Trials worse than this percentile of the COMPLETE trials at the same step are pruned (25 keeps the best quarter).',
      required: true,
    },
    ...MEDIAN_OPTIONS,
  },
  asha: SUCCESSIVE_HALVING_OPTIONS,
  successiveHalving: SUCCESSIVE_HALVING_OPTIONS,
};

export const SAMPLER_NAMES = Object.keys(SAMPLER_OPTIONS) as SamplerName[];
export const PRUNER_NAMES = Object.keys(PRUNER_OPTIONS) as PrunerName[];

// ---------------------------------------------------------------- checking

/** Whether `v` fits `schema` (the subset of JSON Schema used above). */
function fits(schema: JsonSchema, v: unknown): boolean {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).some((s) => fits(s, v));
  if ('const' in schema && v !== schema.const) return false;
  if (Array.isArray(schema.enum) && !schema.enum.includes(v)) return false;
  switch (schema.type) {
    case 'integer':
      if (!Number.isSafeInteger(v)) return false;
      break;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      break;
    case 'boolean':
      if (typeof v !== 'boolean') return false;
      break;
    case 'object':
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      break;
  }
  if (typeof v === 'number') {
    if (typeof schema.minimum === 'number' && v < schema.minimum) return false;
    if (typeof schema.maximum === 'number' && v > schema.maximum) return false;
    if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum) return false;
  }
  return true;
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : typeof v === 'function' ? 'a function' : JSON.stringify(v) ?? String(v));

/**
 * Checks the options of one sampler or pruner against its table; throws a ConfigError whose
 * message and path name the option (`study.sampler.nStartupTrails`). Options set to undefined
 * count as not given.
 */
function checkOptions(kind: 'sampler' | 'pruner', name: string, options: Record<string, unknown>, table: OptionTable, where: string): void {
  const allowed = Object.keys(table);
  for (const key of Object.keys(options)) {
    if (options[key] === undefined || key in table) continue;
    const guess = allowed.find((k) => k.toLowerCase() === key.toLowerCase()) ?? allowed.find((k) => nearlyEqual(k, key));
    throw new ConfigError(
      `${where}.${key}: unknown option "${key}" for the ${name} ${kind} (allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'})` +
        (guess ? `; did you mean "${guess}"?` : ''),
      `${where}.${key}`,
    );
  }
  for (const [key, spec] of Object.entries(table)) {
    const v = options[key];
    if (v === undefined) {
      if (spec.required) throw new ConfigError(`${where}.${key}: the ${name} ${kind} needs a "${key}" (${spec.expected})`, `${where}.${key}`);
      continue;
    }
    const ok = spec.fn ? typeof v === 'function' : fits(spec.schema ?? {}, v);
    if (!ok) throw new ConfigError(`${where}.${key}: ${key} must be ${spec.expected}, got ${show(v)}`, `${where}.${key}`);
  }
}

/** Edit distance of at most 2 (an adjacent swap counts 1), ignoring case: "nStartupTrails" → "nStartupTrials". */
function nearlyEqual(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > 2) return false;
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...new Array(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0][j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length] <= 2;
}

function checkSpec(kind: 'sampler' | 'pruner', spec: unknown, names: readonly string[], where: string): { name: string; options: Record<string, unknown> } {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new ConfigError(`${where}: expected a mapping with a "name" (one of: ${names.join(', ')}), got ${show(spec)}`, where);
  }
  const { name, ...options } = spec as Record<string, unknown>;
  if (typeof name !== 'string' || !names.includes(name)) {
    throw new ConfigError(`${where}.name: unknown ${kind} ${JSON.stringify(name)} (expected one of: ${names.join(', ')})`, `${where}.name`);
  }
  return { name, options };
}

/** Checks a sampler spec such as `{ name: 'tpe', nStartupTrials: 5 }`; `where` is its path, for messages. */
export function checkSamplerSpec(spec: unknown, where = 'study.sampler'): { name: SamplerName; options: Record<string, unknown> } {
  const { name, options } = checkSpec('sampler', spec, SAMPLER_NAMES, where);
  checkOptions('sampler', name, options, SAMPLER_OPTIONS[name as SamplerName], where);
  return { name: name as SamplerName, options };
}

/** Checks a pruner spec such as `{ name: 'percentile', percentile: 25 }`, including the rules between options. */
export function checkPrunerSpec(spec: unknown, where = 'study.pruner'): { name: PrunerName; options: Record<string, unknown> } {
  const { name, options } = checkSpec('pruner', spec, PRUNER_NAMES, where);
  checkOptions('pruner', name, options, PRUNER_OPTIONS[name as PrunerName], where);
  if ((name === 'asha' || name === 'successiveHalving') && options.minResource === 'auto' && (options.bootstrapCount as number | undefined ?? 0) > 0) {
    throw new ConfigError(`${where}.bootstrapCount: bootstrapCount > 0 needs an explicit minResource (not 'auto')`, `${where}.bootstrapCount`);
  }
  return { name: name as PrunerName, options };
}

// ---------------------------------------------------------------- JSON Schema

function propertiesOf(table: OptionTable): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [key, spec] of Object.entries(table)) {
    if (spec.apiOnly || !spec.schema) continue;
    out[key] = { ...spec.schema, description: spec.description };
  }
  return out;
}

/**
 * One object schema with a `name` choosing among `tables`, and per name (if/then) the options
 * that name allows, with additionalProperties false.
 */
function namedSchema(tables: Readonly<Record<string, OptionTable>>, description: string): JsonSchema {
  const names = Object.keys(tables);
  return {
    type: 'object',
    description,
    required: ['name'],
    properties: { name: { enum: names } },
    allOf: names.map((name) => {
      const table = tables[name];
      const required = Object.keys(table).filter((k) => table[k].required && !table[k].apiOnly);
      return {
        if: { properties: { name: { const: name } }, required: ['name'] },
        then: {
          ...(required.length ? { required } : {}),
          properties: { name: { const: name }, ...propertiesOf(table) },
          additionalProperties: false,
        },
      };
    }),
  };
}

/** The `sampler:` mapping of a config file as JSON Schema: `name` and that sampler's options. A fresh copy. */
export function samplerSchema(): JsonSchema {
  return namedSchema(SAMPLER_OPTIONS, 'The sampler: tpe, random, grid, qmc or gp, and its options.');
}

/** The `pruner:` mapping of a config file as JSON Schema: `name` and that pruner's options. A fresh copy. */
export function prunerSchema(): JsonSchema {
  return namedSchema(PRUNER_OPTIONS, 'The pruner, which stops unpromising trials early, and its options.');
}
