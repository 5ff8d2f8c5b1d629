import { ConfigError } from '@vaekit/core';

export { ConfigError };

/** Throws a ConfigError. `path` is the config path the mistake is at, such as "data.path". */
export function fail(message: string, path?: string): never {
  throw new ConfigError(message, path);
}
