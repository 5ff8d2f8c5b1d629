import * as fs from 'fs';
import * as path from 'path';
import { showArgument } from '@vaekit/core';
import { UsageError } from '@vaekit/study';

/**
 * The folder of ready configs: `configs/` in the working directory or a parent of it (the
 * monorepo's root when run through Nx or npx), else `configs/` in the working directory.
 */
export function findConfigsDir(start = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    const c = path.join(dir, 'configs');
    if (fs.existsSync(c) && fs.statSync(c).isDirectory()) return c;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve(start, 'configs');
}

/** Folders of the kernel's virtual file systems: never a place for vaekit's output or data. */
const SYSTEM_DIRS = ['/proc', '/sys', '/dev'];

function under(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir + path.sep);
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** The path with its existing part's links resolved (the missing tail kept as written). */
function realPathOf(abs: string): string {
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...tail.reverse());
    } catch {
      const up = path.dirname(head);
      if (up === head) return abs;
      tail.push(path.basename(head));
      head = up;
    }
  }
}

/**
 * Checks an output path given on the command line before anything is computed: not empty, not in
 * /proc, /sys or /dev, every existing parent a folder the user can write to, and the path itself,
 * when it exists, of the expected kind (a folder for `kind: 'dir'`, a regular file for `'file'`).
 * Returns the absolute path; throws a UsageError naming the flag and the path otherwise.
 */
export function checkOutputPath(given: string, kind: 'dir' | 'file', flag: string, cwd = process.cwd()): string {
  if (!given || !given.trim()) throw new UsageError(`${flag}: the path is empty (expected a ${kind === 'dir' ? 'folder' : 'file'} to write to)`);
  const abs = path.resolve(cwd, given);
  const real = realPathOf(abs);
  for (const d of SYSTEM_DIRS) {
    if (under(abs, d) || under(real, d)) throw new UsageError(`${flag} ${showArgument(given, 200)}: ${d} is a system folder, not a place to write output to`);
  }
  const st = statOrUndefined(abs);
  if (st) {
    if (kind === 'dir' && !st.isDirectory()) throw new UsageError(`${flag} ${showArgument(given, 200)}: exists and is not a folder (expected a folder to write into)`);
    if (kind === 'file' && st.isDirectory()) throw new UsageError(`${flag} ${showArgument(given, 200)}: is a folder (expected a file name to write to)`);
    if (kind === 'file' && !st.isFile()) throw new UsageError(`${flag} ${showArgument(given, 200)}: exists and is not a regular file`);
  }
  // The nearest existing ancestor must be a folder the user can write to (for a missing path), or
  // the path itself must be writable.
  let p = st && kind === 'dir' ? abs : path.dirname(abs);
  for (;;) {
    const s = statOrUndefined(p);
    if (s) {
      if (!s.isDirectory()) throw new UsageError(`${flag} ${showArgument(given, 200)}: ${p} is not a folder`);
      break;
    }
    const up = path.dirname(p);
    if (up === p) break;
    p = up;
  }
  try {
    fs.accessSync(p, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${showArgument(given, 200)}: ${p} is not writable`);
  }
  return abs;
}

/** Checks an input file given on the command line: when it exists, it is a regular file (not a folder, device or FIFO). Returns the absolute path. */
export function checkInputFile(given: string, flag: string, cwd = process.cwd()): string {
  if (!given || !given.trim()) throw new UsageError(`${flag}: the path is empty (expected a file)`);
  const abs = path.resolve(cwd, given);
  const st = statOrUndefined(abs);
  if (!st) return abs; // the reader says "file not found", naming the file
  if (st.isDirectory()) throw new UsageError(`${flag} ${showArgument(given, 200)}: is a folder (expected a data file)`);
  if (!st.isFile()) throw new UsageError(`${flag} ${showArgument(given, 200)}: is not a regular file (expected a data file)`);
  return abs;
}

/** Checks an input folder given on the command line: when it exists, it is a folder. Returns the absolute path. */
export function checkInputDir(given: string, flag: string, cwd = process.cwd()): string {
  if (!given || !given.trim()) throw new UsageError(`${flag}: the path is empty (expected a folder)`);
  const abs = path.resolve(cwd, given);
  const st = statOrUndefined(abs);
  if (!st) return abs; // the loader says what is missing
  if (!st.isDirectory()) throw new UsageError(`${flag} ${showArgument(given, 200)}: is not a folder`);
  return abs;
}

/** True when two paths name the same file (after resolving links); false when either is missing. */
export function sameFile(a: string, b: string): boolean {
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** True when `p` is inside the folder `dir` (after resolving links of both, where they exist). */
export function isInside(p: string, dir: string): boolean {
  const real = (x: string) => {
    try {
      return fs.realpathSync(x);
    } catch {
      return path.resolve(x);
    }
  };
  const rel = path.relative(real(dir), real(path.dirname(path.resolve(p))));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
