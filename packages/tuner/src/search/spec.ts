import { cloneData, ConfigError, getPath, setPath, TrainConfig, validateConfig, validateOptions } from '@vaekit/core';
import { checkPrunerSpec, checkSamplerSpec, contains, DistributionError, validateDistribution } from '@vaekit/study';
import type { Direction, Distribution, ParamValue } from '@vaekit/study';
import { ANOMALY_METRICS, AnomalySection, anomalySchema } from '@vaekit/pipelines';
import { Metric, METRICS, searchConfigSchema, searchEntrySchema, searchSchema } from './schema';

export { METRICS, searchConfigSchema, searchEntrySchema, searchSchema, studySchema } from './schema';
export type { Metric } from './schema';

export interface StudySection {
  name: string;
  /** The (first) metric. */
  metric: Metric;
  /** The (first) direction. */
  direction: Direction;
  /** Every metric the study optimises: one, or several for a multi-objective study (`study.metrics`). */
  metrics: Metric[];
  /** One direction per metric. */
  directions: Direction[];
  /** Multi-objective: the hypervolume's reference point, one value per metric. */
  referencePoint?: number[];
  /** Trials to run first, with these values of searched paths. */
  enqueue?: Array<Record<string, ParamValue>>;
  sampler: { name: string; seed: number; [k: string]: unknown };
  pruner: { name: string; [k: string]: unknown };
  trials?: number;
  workers?: number;
  storage?: string;
  /** Seconds after which no new trial starts. */
  timeout?: number;
  heartbeatSeconds: number;
  staleSeconds: number;
}

/** One searched config path: a distribution, or a grid of values. */
export type SearchEntry = { path: string; dist: Distribution; grid?: ParamValue[] };

/** Reads `search:` — dotted config paths mapped to distributions or grids — with messages naming the path. */
export function parseSearchSection(raw: unknown, file: string): SearchEntry[] {
  if (raw === undefined || raw === null) throw new ConfigError(`${file}: search: missing (expected a mapping of config paths to distributions, such as model.beta: { grid: [1, 2, 4] })`, 'search');
  // Shapes and types: the search section's schema (part of the whole config's schema), one
  // entry at a time so that messages name the searched path as written (search.model.beta.low).
  if (typeof raw !== 'object' || Array.isArray(raw)) validateOptions(searchSchema, raw, { file, path: 'search' });
  const entries: SearchEntry[] = [];
  for (const [path, spec] of Object.entries(raw as Record<string, unknown>)) {
    const s = validateOptions(searchEntrySchema, spec, { file, path: `search.${path}` }) as Record<string, unknown>;
    let entry: SearchEntry;
    if (Array.isArray(s.grid)) entry = { path, dist: { type: 'categorical', choices: s.grid as ParamValue[] }, grid: s.grid as ParamValue[] };
    else if (s.type === 'categorical') entry = { path, dist: { type: 'categorical', choices: s.choices as ParamValue[] } };
    else entry = { path, dist: { type: s.type, low: s.low, high: s.high, log: s.log, step: s.step } as Distribution };
    // The rules between the keys (low <= high, log needs low > 0, step, duplicates): the study's.
    try {
      validateDistribution(entry.dist);
    } catch (e) {
      if (e instanceof DistributionError) {
        const what = entry.grid ? e.message.replace(/^categorical choices/, 'grid values') : e.message;
        throw new ConfigError(`${file}: search.${path}: ${what}`, `search.${path}`);
      }
      throw e;
    }
    entries.push(entry);
  }
  if (entries.length === 0) throw new ConfigError(`${file}: search: no config paths to search`, 'search');
  return entries;
}

/** The values a searched path is probed with: every choice, or both ends of a range. */
function samplesOf(e: SearchEntry): ParamValue[] {
  return e.dist.type === 'categorical' ? e.dist.choices : [e.dist.low, e.dist.high];
}

export interface SearchSpec {
  study: StudySection;
  entries: SearchEntry[];
  /** The training config without study/search, as written (defaults not filled), that each trial overrides. */
  base: Record<string, unknown>;
  /** The grid, when the sampler is grid. */
  grid?: Record<string, ParamValue[]>;
  /** The validated anomaly: section, when the metric is an anomaly metric. */
  anomaly?: AnomalySection;
}

/**
 * Validates a loaded search config against the whole search-config schema (searchConfigSchema:
 * the training config, study: with the sampler's and pruner's options, search:) and checks every
 * searched path against the training schema with each searched value. Every mistake is a located
 * ConfigError (`file: study.sampler: unknown key "nStartupTrails" …`), found before any trial starts.
 */
export function parseSearchConfig(raw: Record<string, unknown>, file: string, defaults: { name: string }): SearchSpec {
  if (raw.study === undefined) throw new ConfigError(`${file}: study: missing (a search config needs study: and search: sections)`, 'study');
  const entries = parseSearchSection(raw.search, file);
  const base = cloneData(raw);
  delete base.study;
  delete base.search;
  // The whole config in one validation, with the first value of every searched path in place
  // (a searched path may supply a key the training config requires).
  const first = cloneData(raw);
  for (const e of entries) setPath(first, e.path, samplesOf(e)[0]);
  let checked: Record<string, unknown>;
  try {
    checked = validateOptions(searchConfigSchema(), first, { file, path: '' });
  } catch (err) {
    const at = err instanceof ConfigError ? err.path : undefined;
    const e = at === undefined ? undefined : entries.find((x) => at === x.path || at.startsWith(x.path + '.') || at.startsWith(x.path + '['));
    if (e) throw new ConfigError(`${(err as Error).message} (from search.${e.path} = ${JSON.stringify(samplesOf(e)[0])})`, `search.${e.path}`);
    throw err;
  }
  const study = checked.study as StudySection;
  // The rules between options that a schema does not say (the study package's own check).
  try {
    checkSamplerSpec(study.sampler ?? { name: 'tpe' }, 'study.sampler');
    checkPrunerSpec(study.pruner, 'study.pruner');
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${file}: ${err.message}`, err.path);
    throw err;
  }
  study.name = study.name ?? defaults.name;
  objectivesOf(study, (raw.study ?? {}) as Record<string, unknown>, file);
  let anomaly: AnomalySection | undefined;
  if (ANOMALY_METRICS.includes(study.metric)) {
    if (raw.anomaly === undefined) {
      throw new ConfigError(`${file}: study.metric: ${study.metric} is an anomaly-detection metric and needs an anomaly: section (classes, method, samples), as in configs/anomaly.yaml`, 'study.metric');
    }
    anomaly = validateOptions(anomalySchema, raw.anomaly, { file, path: 'anomaly' }) as AnomalySection;
  }
  const allGrid = entries.every((e) => e.grid);
  study.sampler = study.sampler ?? { name: allGrid ? 'grid' : study.metrics.length > 1 ? 'nsga2' : 'tpe', seed: 0 };
  study.sampler.seed = study.sampler.seed ?? 0;
  // Every searched path must be a place the training schema accepts each searched value.
  for (const e of entries) {
    for (const v of samplesOf(e)) {
      const probe = cloneData(base);
      setPath(probe, e.path, v);
      try {
        validateConfig(probe, { file });
      } catch (err) {
        throw new ConfigError(`${(err as Error).message} (from search.${e.path} = ${JSON.stringify(v)})`, `search.${e.path}`);
      }
    }
  }
  if (study.enqueue) study.enqueue = enqueuedTrials(study.enqueue, entries, base, file);
  if (study.enqueue && study.sampler.name === 'grid') {
    // The grid sampler draws nothing: an enqueued trial must have a value for every searched path.
    study.enqueue.forEach((point, i) => {
      const missing = entries.find((e) => !p(point, e.path));
      if (missing) throw new ConfigError(`${file}: study.enqueue[${i}]: no value for ${missing.path} (the config has none in its range either), which the grid sampler cannot draw`, `study.enqueue[${i}]`);
    });
  }
  let grid: Record<string, ParamValue[]> | undefined;
  if (study.sampler.name === 'grid') {
    const bad = entries.find((e) => !e.grid && e.dist.type !== 'categorical');
    if (bad) throw new ConfigError(`${file}: search.${bad.path}: the grid sampler needs a list of values ({ grid: [...] }), found a ${bad.dist.type} range`, `search.${bad.path}`);
    grid = Object.fromEntries(entries.map((e) => [e.path, e.grid ?? (e.dist as { choices: ParamValue[] }).choices]));
  }
  return { study, entries, base, grid, anomaly };
}

/**
 * The study's objectives: `metric` / `direction` (one) or `metrics` / `directions` (several, a
 * multi-objective study), never both forms; directions default to each metric's own. A
 * multi-objective study cannot prune (no single value per epoch to compare).
 */
function objectivesOf(study: StudySection, given: Record<string, unknown>, file: string): void {
  const both = (a: string, b: string) => {
    if (given[a] !== undefined && given[b] !== undefined) {
      throw new ConfigError(`${file}: study.${a} and study.${b}: give one of them (${a} for one objective, ${b} for several), not both`, `study.${b}`);
    }
  };
  both('metric', 'metrics');
  both('direction', 'directions');
  if (given.metrics === undefined) {
    for (const k of ['directions', 'referencePoint']) {
      if (given[k] !== undefined) throw new ConfigError(`${file}: study.${k}: only for a multi-objective study (study.metrics); this one has study.metric`, `study.${k}`);
    }
    study.direction = study.direction ?? METRICS[study.metric];
    study.metrics = [study.metric];
    study.directions = [study.direction];
    return;
  }
  if (given.direction !== undefined) {
    throw new ConfigError(`${file}: study.direction: a study with study.metrics takes study.directions (one per metric), not study.direction`, 'study.direction');
  }
  const metrics = study.metrics;
  const directions = study.directions ?? metrics.map((m) => METRICS[m]);
  if (directions.length !== metrics.length) {
    throw new ConfigError(
      `${file}: study.directions: ${directions.length} directions for ${metrics.length} metrics (${metrics.join(', ')}): give one direction per metric, in the same order`,
      'study.directions',
    );
  }
  if (study.referencePoint && study.referencePoint.length !== metrics.length) {
    throw new ConfigError(`${file}: study.referencePoint: ${study.referencePoint.length} values for ${metrics.length} metrics: give one value per metric`, 'study.referencePoint');
  }
  if (study.pruner && study.pruner.name !== 'none') {
    throw new ConfigError(
      `${file}: study.pruner: pruning is not supported for multi-objective studies (study.metrics: ${metrics.join(', ')}): a trial has no single value per epoch to compare; use pruner: { name: none }`,
      'study.pruner',
    );
  }
  study.directions = [...directions];
  study.metric = metrics[0];
  study.direction = directions[0];
}

/**
 * `study.enqueue`: each entry's paths must be searched, its values inside their distributions; a
 * searched path it leaves out takes the base config's value when it has one (else the sampler's).
 */
function enqueuedTrials(list: Array<Record<string, ParamValue>>, entries: SearchEntry[], base: Record<string, unknown>, file: string): Array<Record<string, ParamValue>> {
  return list.map((given, i) => {
    const out: Record<string, ParamValue> = {};
    for (const [p, v] of Object.entries(given)) {
      const e = entries.find((x) => x.path === p);
      if (!e) throw new ConfigError(`${file}: study.enqueue[${i}].${p}: not a searched path (searched: ${entries.map((x) => x.path).join(', ')})`, `study.enqueue[${i}]`);
      if (!contains(e.dist, v)) throw new ConfigError(`${file}: study.enqueue[${i}].${p}: ${JSON.stringify(v)} is outside its search range`, `study.enqueue[${i}]`);
      out[p] = v;
    }
    for (const e of entries) {
      if (p(out, e.path)) continue;
      const v = getPath(base, e.path);
      if (v !== undefined && (v === null || ['string', 'number', 'boolean'].includes(typeof v)) && contains(e.dist, v as ParamValue)) out[e.path] = v as ParamValue;
    }
    return out;
  });
}

const p = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The training config of one trial: the base with the trial's parameters at their paths. */
export function trialConfig(base: Record<string, unknown>, params: Record<string, ParamValue>, file: string): TrainConfig {
  const raw = cloneData(base);
  for (const [p, v] of Object.entries(params)) setPath(raw, p, v);
  return validateConfig(raw, { file });
}

export function gridSize(grid: Record<string, ParamValue[]>): number {
  return Object.values(grid).reduce((n, v) => n * v.length, 1);
}

export { getPath };
