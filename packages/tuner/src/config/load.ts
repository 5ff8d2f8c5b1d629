import * as fs from 'fs';
import * as path from 'path';
import {
  closestMatch,
  ConfigError,
  parseSetArgument,
  setPath,
  showArgument,
  splitPath,
  TrainConfig,
  validateConfig,
} from '@vaekit/core';
import { describeFound, parseYamlText, parseYamlValue } from './yaml';

export interface LoadConfigOptions {
  /** The folder of ready configs, where bare names are looked up. */
  configsDir: string;
  /** The folder relative paths are resolved against. */
  cwd: string;
  /** `--set path=value` overrides, applied in order before validation. */
  sets?: string[];
}

export interface LoadedConfig {
  /** The validated config, every default filled in. */
  config: TrainConfig;
  /** Absolute path of the file that was read. */
  file: string;
  /** The parsed YAML with the --set overrides applied, before defaults. */
  raw: any;
}

const YAML_EXT = /\.ya?ml$/i;

/** The largest config file read: configs are a few kilobytes. */
export const MAX_CONFIG_BYTES = 4 * 2 ** 20;

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The file name as shown to the user: relative to cwd when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Config names (without extension) in a folder, for suggestions. */
function configNames(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => YAML_EXT.test(f))
      .map((f) => f.replace(YAML_EXT, ''))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Finds a config file: `nameOrPath` as a path (relative to cwd) if that file exists, else as a
 * name in configsDir, as given or with .yaml / .yml added. Returns the absolute path; throws
 * "config file not found: beta.yaml (looked in: …)" otherwise.
 */
export function resolveConfigFile(nameOrPath: string, opts: { configsDir: string; cwd: string }): string {
  if (!nameOrPath || !nameOrPath.trim()) throw new ConfigError('no config file given');
  const candidates = [path.resolve(opts.cwd, nameOrPath)];
  if (!path.isAbsolute(nameOrPath)) {
    const inDir = path.resolve(opts.configsDir, nameOrPath);
    candidates.push(inDir);
    if (!YAML_EXT.test(nameOrPath)) candidates.push(inDir + '.yaml', inDir + '.yml');
  }
  const looked = [...new Set(candidates)];
  const found = looked.find(isFile);
  if (found) return found;
  let hint = '';
  const names = configNames(opts.configsDir);
  const guess = closestMatch(path.basename(nameOrPath).replace(YAML_EXT, ''), names);
  if (guess !== undefined) hint = `; did you mean "${guess}"?`;
  else if (names.length > 0 && names.length <= 20) hint = `; configs in ${opts.configsDir}: ${names.join(', ')}`;
  throw new ConfigError(`config file not found: ${nameOrPath} (looked in: ${looked.join(', ')})${hint}`);
}

/** "model.encoder.hidden.0" and "model.encoder.hidden[0]" alike, for matching paths. */
function canonical(p: string): string {
  try {
    return splitPath(p).join('.');
  } catch {
    return p;
  }
}

/**
 * Reads, parses, overrides and validates a training config.
 * 1. resolveConfigFile; 2. YAML (syntax errors name the line and column); 3. the top level must
 * be a mapping; 4. each `--set path=value` (value read as YAML) is written into the parsed data;
 * 5. validateConfig. A validation error about a value that came from --set says so.
 */
export function loadConfigFile(nameOrPath: string, opts: LoadConfigOptions): LoadedConfig {
  const file = resolveConfigFile(nameOrPath, opts);
  const shown = displayPath(file, opts.cwd);
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError(`${shown}: the file is ${(size / 2 ** 20).toFixed(1)} MiB, larger than a config can be (at most ${MAX_CONFIG_BYTES / 2 ** 20} MiB)`);
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${shown}: cannot read the file: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  const raw = parseYamlText(text, shown);
  if (raw === undefined || raw === null) {
    throw new ConfigError(`${shown}: the file is empty (expected a mapping with sections such as data, model, train)`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      `${shown}: the top level must be a mapping with sections such as data, model, train, found ${describeFound(raw)}`,
    );
  }

  const sets = (opts.sets ?? []).map((arg) => ({ arg, ...parseSetArgument(arg, parseYamlValue) }));
  for (const s of sets) {
    try {
      setPath(raw as Record<string, unknown>, s.path, s.value);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`--set "${showArgument(s.arg)}": ${e.message}`, s.path);
      throw e;
    }
  }

  let config: TrainConfig;
  try {
    config = validateConfig(raw, { file: shown });
  } catch (e) {
    if (e instanceof ConfigError && e.path !== undefined && sets.length > 0) {
      const at = canonical(e.path);
      const culprit = [...sets].reverse().find((s) => {
        const p = canonical(s.path);
        return at === p || at.startsWith(p + '.');
      });
      if (culprit) throw new ConfigError(`${e.message} (set by --set ${showArgument(culprit.arg)})`, e.path);
    }
    throw e;
  }
  return { config, file, raw };
}
