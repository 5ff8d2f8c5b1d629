import * as fs from 'fs';
import * as path from 'path';

/**
 * Absolute path of the training-config JSON Schema (draft-07). It ships in the package as
 * `@vaekit/core/schema/config.schema.json`, so editors can point at it, for instance with
 * `# yaml-language-server: $schema=../node_modules/@vaekit/core/schema/config.schema.json`.
 */
export const CONFIG_SCHEMA_PATH = path.resolve(__dirname, '../../schema/config.schema.json');

let loaded: object | undefined;

/** The shared, parsed schema; do not mutate (use configSchema() for a copy). */
export function loadConfigSchema(): object {
  if (!loaded) loaded = JSON.parse(fs.readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as object;
  return loaded;
}

/** A fresh copy of the training-config JSON Schema, free to extend (the tuner refines `study`/`search`). */
export function configSchema(): Record<string, any> {
  return JSON.parse(JSON.stringify(loadConfigSchema()));
}
