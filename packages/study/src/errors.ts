/**
 * The errors of vaekit, one base for all of them. Every package's errors extend `VaekitError`
 * (this package has no dependencies, so it is the one every other package can import it from),
 * and callers match them with `instanceof`, never by name.
 *
 * `exitCode` is what a command line should exit with: 2 for a mistake in what the user gave
 * (a config, a flag, a file), shown as one paragraph without a stack trace; 1 for a failure
 * of the run itself.
 */
export class VaekitError extends Error {
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A mistake in a config or in an argument of the API: `path` names where it is (`study.sampler.seed`). */
export class ConfigError extends VaekitError {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message, { exitCode: 2 });
  }
}

/** A mistake on the command line (a missing flag, a bad value, a study or file that is not there). */
export class UsageError extends VaekitError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}

/** A storage-level failure: unknown study, missing trial, bad argument, closed storage, driver missing. */
export class StorageError extends VaekitError {}

/** True when `e` is a vaekit error caused by the user's input (exit code 2). */
export function isUserError(e: unknown): e is VaekitError {
  return e instanceof VaekitError && e.exitCode === 2;
}
