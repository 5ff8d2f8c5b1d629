import Ajv, { ValidateFunction } from 'ajv';
import { VaekitError } from '@vaekit/study';
import { ConfigError } from '../plugins/types';
import { ajvErrorToConfigError } from './errors';
import { loadConfigSchema } from './schema';
import { ConfigSource, OptionsLocation, PluginBlock, TrainConfig } from './types';

let ajvInstance: Ajv | undefined;

/** One ajv for configs and plugin options: first error only, defaults filled, error objects carry schema and data. */
function ajv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({
      allErrors: false,
      useDefaults: true,
      verbose: true,
      strict: false,
      strictNumbers: true,
      addUsedSchema: false,
    });
  }
  return ajvInstance;
}

/**
 * A deep copy of plain data (objects, arrays, scalars), so validation can fill defaults without
 * touching the caller's object. Other objects (Dates, class instances) are kept by reference.
 */
export function cloneData<T>(value: T, seen = new Map<unknown, unknown>()): T {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value) as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const x of value) out.push(cloneData(x, seen));
    return out as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    const v = cloneData((value as Record<string, unknown>)[key], seen);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}

let configValidator: ValidateFunction | undefined;

/**
 * Checks a raw training config (as parsed from YAML or JSON) against config.schema.json and returns
 * a copy with every default filled in. The input is not modified.
 * Throws a ConfigError whose message is one line: `file: dotted.path: expected …, found …`.
 */
export function validateConfig(raw: unknown, source: ConfigSource = {}): TrainConfig {
  if (!configValidator) configValidator = ajv().compile(loadConfigSchema());
  const data = cloneData(raw);
  if (!configValidator(data)) throw ajvErrorToConfigError(configValidator.errors, data, { file: source.file, path: '' });
  return data as TrainConfig;
}

const optionValidators = new WeakMap<object, ValidateFunction>();

/**
 * Checks a plugin's options (its config block minus `use`) against the plugin's `optionsSchema`,
 * with the same messages as validateConfig, paths prefixed by `where.path` (such as "model.encoder").
 * Returns a copy with defaults filled in; `undefined` counts as `{}`. Compiled validators are cached
 * per schema object. A schema that ajv cannot compile is the plugin's bug: a VaekitError with exit code 1.
 */
export function validateOptions(schema: object, value: unknown, where: OptionsLocation): any {
  let validate = optionValidators.get(schema);
  if (!validate) {
    try {
      validate = ajv().compile(schema);
    } catch (e) {
      const reason = String((e as Error)?.message ?? e).split('\n')[0];
      throw new VaekitError(`the options schema of the plugin at ${where.path} is not a valid JSON Schema: ${reason}`);
    }
    optionValidators.set(schema, validate);
  }
  const data = cloneData(value === undefined ? {} : value);
  if (!validate(data)) throw ajvErrorToConfigError(validate.errors, data, where);
  return data;
}

/** Splits a plugin block into the plugin name and its options (everything but `use`). */
export function splitPluginBlock(block: PluginBlock): { use: string; options: Record<string, unknown> } {
  if (!block || typeof block !== 'object' || typeof block.use !== 'string') {
    throw new ConfigError('a plugin block needs a "use" key naming the plugin');
  }
  const { use, ...options } = block;
  return { use, options };
}
