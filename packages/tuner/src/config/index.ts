export { loadConfigFile, resolveConfigFile, displayPath } from './load';
export type { LoadConfigOptions, LoadedConfig } from './load';
export { parseYamlText, parseYamlValue } from './yaml';
export * from './names';
