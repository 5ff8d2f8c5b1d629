import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A fresh temporary folder, removed after the test file's tests. */
export function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-datasets-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The error `fn` throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error & { path?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error & { path?: string };
  }
  throw new Error('expected an error');
}

export function minMax(x: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  return [lo, hi];
}

/** Element-wise equality of two arrays (much faster than jest's toEqual on big typed arrays). */
export function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
