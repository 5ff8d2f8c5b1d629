import { cloneData, ConfigError, getPath, setPath, TrainConfig, validateConfig, validateOptions } from '@vaekit/core';
import type { Direction, Distribution, ParamValue } from '@vaekit/study';
import { ANOMALY_METRICS, AnomalySection, anomalySchema } from '@vaekit/pipelines';

/** What a study can optimise, all measured on the validation split (the test split when there is none). */
export const METRICS = {
  negElbo: 'minimize',
  recon: 'minimize',
  kl: 'minimize',
  iwaeNll: 'minimize',
  activeUnits: 'maximize',
  mutualInfo: 'maximize',
  // Mean over the normal classes of the one-class protocol (needs an anomaly: section).
  rocAuc: 'maximize',
  prAuc: 'maximize',
} as const;
export type Metric = keyof typeof METRICS;

export interface StudySection {
  name: string;
  metric: Metric;
  direction: Direction;
  sampler: { name: 'grid' | 'random' | 'tpe'; seed: number; [k: string]: unknown };
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

export const studySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'Study name; also its folder under --out.' },
    metric: { enum: Object.keys(METRICS), default: 'negElbo', description: 'What the study optimises, on the validation split.' },
    direction: { enum: ['minimize', 'maximize'], description: 'Default: minimize for nats, maximize for activeUnits and mutualInfo.' },
    sampler: {
      type: 'object',
      required: ['name'],
      properties: { name: { enum: ['grid', 'random', 'tpe'] }, seed: { type: 'integer', default: 0 } },
      description: 'grid, random or tpe (default: grid when every searched path is a grid, else tpe).',
    },
    pruner: {
      type: 'object',
      required: ['name'],
      properties: { name: { enum: ['none', 'median', 'asha', 'successiveHalving'] } },
      default: { name: 'none' },
    },
    trials: { type: 'integer', minimum: 1, description: 'Finished trials the whole study should hold (default: the grid size, or 20).' },
    workers: { type: 'integer', minimum: 1, description: 'Trials run at once, in child processes (default: the number of cores).' },
    storage: { type: 'string', description: 'sqlite:PATH, postgres://… or memory: (default: sqlite:OUT/studies.db).' },
    timeout: { type: 'number', exclusiveMinimum: 0, description: 'Seconds after which no new trial starts.' },
    heartbeatSeconds: { type: 'number', exclusiveMinimum: 0, default: 5 },
    staleSeconds: { type: 'number', exclusiveMinimum: 0, default: 60, description: 'A RUNNING trial silent this long is marked FAIL (its worker died).' },
  },
};

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads `search:` — dotted config paths mapped to distributions or grids — with messages naming the path. */
export function parseSearchSection(raw: unknown, file: string): SearchEntry[] {
  const at = (p: string) => `${file}: search.${p}`;
  if (raw === undefined || raw === null) throw new ConfigError(`${file}: search: missing (expected a mapping of config paths to distributions, such as model.beta: { grid: [1, 2, 4] })`, 'search');
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${file}: search: expected a mapping of config paths to distributions, found ${JSON.stringify(raw)}`, 'search');
  const entries: SearchEntry[] = [];
  for (const [path, spec] of Object.entries(raw as Record<string, unknown>)) {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new ConfigError(`${at(path)}: expected { grid: [...] } or { type: float|int|categorical, ... }, found ${JSON.stringify(spec)}`, `search.${path}`);
    }
    const s = spec as Record<string, unknown>;
    if ('grid' in s) {
      if (!Array.isArray(s.grid) || s.grid.length === 0) throw new ConfigError(`${at(path)}.grid: expected a non-empty list of values, found ${JSON.stringify(s.grid)}`, `search.${path}`);
      const extra = Object.keys(s).filter((k) => k !== 'grid');
      if (extra.length) throw new ConfigError(`${at(path)}: unknown key "${extra[0]}" beside grid`, `search.${path}`);
      entries.push({ path, dist: { type: 'categorical', choices: s.grid as ParamValue[] }, grid: s.grid as ParamValue[] });
      continue;
    }
    const type = s.type;
    const allowed: Record<string, string[]> = { float: ['type', 'low', 'high', 'log', 'step'], int: ['type', 'low', 'high', 'log', 'step'], categorical: ['type', 'choices'] };
    if (typeof type !== 'string' || !(type in allowed)) {
      throw new ConfigError(`${at(path)}.type: expected one of float, int, categorical (or a grid: [...]), found ${JSON.stringify(type)}`, `search.${path}`);
    }
    const unknown = Object.keys(s).find((k) => !allowed[type].includes(k));
    if (unknown) throw new ConfigError(`${at(path)}: unknown key "${unknown}" for type ${type} (expected: ${allowed[type].join(', ')})`, `search.${path}`);
    if (type === 'categorical') {
      if (!Array.isArray(s.choices) || s.choices.length === 0) throw new ConfigError(`${at(path)}.choices: expected a non-empty list, found ${JSON.stringify(s.choices)}`, `search.${path}`);
      entries.push({ path, dist: { type: 'categorical', choices: s.choices as ParamValue[] } });
      continue;
    }
    if (!isNum(s.low) || !isNum(s.high)) throw new ConfigError(`${at(path)}: expected numbers low and high, found low ${JSON.stringify(s.low)}, high ${JSON.stringify(s.high)}`, `search.${path}`);
    if (s.low > s.high) throw new ConfigError(`${at(path)}: low (${s.low}) is above high (${s.high})`, `search.${path}`);
    if (s.log !== undefined && typeof s.log !== 'boolean') throw new ConfigError(`${at(path)}.log: expected true or false, found ${JSON.stringify(s.log)}`, `search.${path}`);
    if (s.log && s.low <= 0) throw new ConfigError(`${at(path)}: a log scale needs low > 0, found ${s.low}`, `search.${path}`);
    if (s.step !== undefined && (!isNum(s.step) || s.step <= 0)) throw new ConfigError(`${at(path)}.step: expected a number > 0, found ${JSON.stringify(s.step)}`, `search.${path}`);
    if (s.step !== undefined && s.log) throw new ConfigError(`${at(path)}: step and log cannot be used together`, `search.${path}`);
    if (type === 'int' && (!Number.isInteger(s.low) || !Number.isInteger(s.high))) throw new ConfigError(`${at(path)}: an int range needs integer low and high, found ${s.low}, ${s.high}`, `search.${path}`);
    entries.push({ path, dist: { type, low: s.low, high: s.high, log: s.log as boolean | undefined, step: s.step as number | undefined } as Distribution });
  }
  if (entries.length === 0) throw new ConfigError(`${file}: search: no config paths to search`, 'search');
  return entries;
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

/** Validates `study:` and `search:` of a loaded config and checks every searched path against the training schema. */
export function parseSearchConfig(raw: Record<string, unknown>, file: string, defaults: { name: string }): SearchSpec {
  if (raw.study === undefined) throw new ConfigError(`${file}: study: missing (a search config needs study: and search: sections)`, 'study');
  const study = validateOptions(studySchema, raw.study, { file, path: 'study' }) as StudySection;
  study.name = study.name ?? defaults.name;
  study.direction = study.direction ?? METRICS[study.metric];
  let anomaly: AnomalySection | undefined;
  if (ANOMALY_METRICS.includes(study.metric)) {
    if (raw.anomaly === undefined) {
      throw new ConfigError(`${file}: study.metric: ${study.metric} is an anomaly-detection metric and needs an anomaly: section (classes, method, samples), as in configs/anomaly.yaml`, 'study.metric');
    }
    anomaly = validateOptions(anomalySchema, raw.anomaly, { file, path: 'anomaly' }) as AnomalySection;
  }
  const entries = parseSearchSection(raw.search, file);
  const allGrid = entries.every((e) => e.grid);
  study.sampler = study.sampler ?? { name: allGrid ? 'grid' : 'tpe', seed: 0 };
  study.sampler.seed = study.sampler.seed ?? 0;
  const base = cloneData(raw);
  delete base.study;
  delete base.search;
  // Every searched path must be a place the training schema accepts the searched values.
  for (const e of entries) {
    const samples = e.dist.type === 'categorical' ? e.dist.choices : [e.dist.low, e.dist.high];
    for (const v of samples) {
      const probe = cloneData(base);
      setPath(probe, e.path, v);
      try {
        validateConfig(probe, { file });
      } catch (err) {
        throw new ConfigError(`${(err as Error).message} (from search.${e.path} = ${JSON.stringify(v)})`, `search.${e.path}`);
      }
    }
  }
  let grid: Record<string, ParamValue[]> | undefined;
  if (study.sampler.name === 'grid') {
    const bad = entries.find((e) => !e.grid && e.dist.type !== 'categorical');
    if (bad) throw new ConfigError(`${file}: search.${bad.path}: the grid sampler needs a list of values ({ grid: [...] }), found a ${bad.dist.type} range`, `search.${bad.path}`);
    grid = Object.fromEntries(entries.map((e) => [e.path, e.grid ?? (e.dist as { choices: ParamValue[] }).choices]));
  }
  return { study, entries, base, grid, anomaly };
}

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
