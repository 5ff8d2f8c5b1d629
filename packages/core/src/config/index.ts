export * from './types';
export { CONFIG_SCHEMA_PATH, configSchema, loadConfigSchema } from './schema';
export { validateConfig, validateOptions, splitPluginBlock, cloneData } from './validate';
export {
  ajvErrorToConfigError,
  closestMatch,
  describeSchema,
  editDistance,
  formatValue,
  pointerToPath,
  typeName,
} from './errors';
export { getPath, setPath, splitPath, parseSetArgument, showArgument, MAX_PATH_DEPTH, MAX_PATH_LENGTH } from './paths';
export type { SetArgument, ValueParser } from './paths';
export { defaultConfig } from './defaults';
