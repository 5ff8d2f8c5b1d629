import { UsageError } from '@vaekit/study';

/** A parsed command line: the command, its --flags (repeatable ones as arrays) and positionals. */
export interface ParsedArgs {
  command?: string;
  flags: Record<string, string | boolean | string[]>;
  positionals: string[];
}

export { UsageError };

export interface FlagSpec {
  /** Flags that take a value. */
  values: string[];
  /** Flags that may repeat (values are collected in order). */
  repeatable?: string[];
  /** Flags without a value. */
  booleans?: string[];
}

/** Parses `--name value`, `--name=value` and boolean `--name`; unknown flags and empty values are usage errors. */
export function parseArgs(argv: string[], spec: FlagSpec, command: string): ParsedArgs {
  const out: ParsedArgs = { flags: {}, positionals: [] };
  const repeatable = new Set(spec.repeatable ?? []);
  const values = new Set([...spec.values, ...repeatable]);
  const booleans = new Set(spec.booleans ?? []);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleans.has(name)) {
      out.flags[name] = eq > 0 ? a.slice(eq + 1) !== 'false' : true;
      continue;
    }
    if (!values.has(name)) {
      const known = [...values, ...booleans].map((f) => '--' + f).join(', ');
      throw new UsageError(`vaekit ${command}: unknown option --${name} (known: ${known})`);
    }
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`vaekit ${command}: --${name} needs a value`);
      value = argv[++i];
    }
    // An empty value (`--out ''`, `--study=`) is a mistake, never "the default".
    if (value.trim() === '') throw new UsageError(`vaekit ${command}: --${name} needs a value, found an empty one`);
    if (repeatable.has(name)) out.flags[name] = [...((out.flags[name] as string[]) ?? []), value];
    else out.flags[name] = value;
  }
  return out;
}
