import { ConfigError } from '@vaekit/core';

export { ConfigError };

/** Throws a ConfigError. `path` is the config path the mistake is at, such as "data.path". */
export function fail(message: string, path?: string): never {
  throw new ConfigError(message, path);
}

/**
 * A data file that cannot be read as what it claims to be: a malformed CSV, IDX or .npy file
 * (truncated, wrong magic number, a cell that is not a number, ...). The message names the file
 * (and the line and column of a CSV). It is the user's input, so it extends ConfigError (exit
 * code 2): `path`, when set, is the config option that named the file (`data.path`).
 */
export class DataError extends ConfigError {}
