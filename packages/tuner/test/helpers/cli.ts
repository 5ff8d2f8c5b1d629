/**
 * Runs the built `vaekit` CLI (dist/cli/main.js; `npm test` builds first) the way the security
 * tests need it: killed after the time limit, with its peak resident memory measured inside the
 * child, and checks of a user error (exit 2, the message, no stack trace, within the bounds).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const BIN = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
export const STACK = /\n\s+at /;
/** Every input fault must end within this time and under this peak resident memory. */
export const LIMIT_MS = 20_000;
export const LIMIT_KIB = 600 * 1024;

// Loaded into each CLI process: prints its peak resident memory (KiB) last on stderr at exit.
const RSS_PRELOAD = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-cli-rss-')), 'rss.js');
fs.writeFileSync(RSS_PRELOAD, "process.on('exit', () => process.stderr.write('@@maxrss ' + process.resourceUsage().maxRSS + '\\n'));\n");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident memory of the CLI process, KiB (Infinity when it was killed before reporting it). */
  maxRssKiB: number;
}

/** Runs the CLI with `args` in `cwd` (killed after LIMIT_MS): exit code, output, wall time and peak memory. */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--require', RSS_PRELOAD, BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: LIMIT_MS,
    killSignal: 'SIGKILL',
    env: { ...process.env, VAEKIT_DEBUG: '', ...env },
  });
  const m = /@@maxrss (\d+)\n$/.exec(r.stderr ?? '');
  const stderr = (r.stderr ?? '').replace(/@@maxrss \d+\n$/, '');
  return { code: r.status, stdout: r.stdout ?? '', stderr, ms: Date.now() - t0, maxRssKiB: m ? Number(m[1]) : Infinity };
}

/** Within the time and memory bounds. */
export function expectBounded(r: CliRun): void {
  expect(r.ms).toBeLessThan(LIMIT_MS);
  expect(r.maxRssKiB).toBeLessThan(LIMIT_KIB);
}

/** A user error: exit 2, the message on stderr, no stack trace, within the time and memory bounds. */
export function expectRefused(r: CliRun, message: RegExp): void {
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.code).toBe(2);
  expectBounded(r);
}
