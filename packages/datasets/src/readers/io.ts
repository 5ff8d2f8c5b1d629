import * as fs from 'fs';
import * as zlib from 'zlib';
import { ConfigError, DataError } from '../errors';

/**
 * Input checks shared by the readers. Data files are untrusted: reading one costs memory and
 * time in proportion to its size (or to what its header declares and the caller asked for),
 * never more, and it must be a regular file (a FIFO, a device such as /dev/zero or a folder is
 * refused before anything is read from it).
 */

/** Text from a data file as shown in messages (control and bidi characters escaped). */
export { printable } from '@vaekit/core';

/** The most a deflate stream can expand: 258-byte matches coded in as little as 2 bits (~1032:1). */
export const MAX_GZIP_RATIO = 1032;
/** Decompressing may overshoot the bytes asked for by at most this much (one step of the search). */
const GZIP_SLACK = 1 << 20;

/** Beyond this many bytes of content, a gzip stream may expand at most MAX_RATIO times. */
const RATIO_FREE_BYTES = 64 * 1024 * 1024;
/** Real data compresses a few times, very sparse data some tens of times; far more is a decompression bomb. */
export const MAX_RATIO = 200;

/**
 * Refuses to decompress `needed` bytes out of `gzBytes` compressed ones when that is more than
 * 64 MiB and more than 200 times the compressed size: reading a data file costs memory in
 * proportion to the file, and a limit (reading fewer examples) is the way to use part of one.
 */
export function checkExpansion(needed: number, gzBytes: number, name: string, what: string): void {
  if (needed <= RATIO_FREE_BYTES || needed <= gzBytes * MAX_RATIO) return;
  const mb = (b: number) => (b / 1e6 >= 10 ? (b / 1e6).toFixed(0) : (b / 1e6).toFixed(1));
  throw new DataError(
    `${name}: ${what} ${mb(needed)} MB from ${mb(gzBytes)} MB of gzip, more than ${MAX_RATIO} times its size; ` +
      'data this compressible is refused as a decompression bomb (read fewer examples with the limit option, or store it uncompressed)',
  );
}

/** What `fs.Stats` is, in words, for a message about a file that is not a regular file. */
function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The message for a file that exists but is not a regular file, or null when it is one. */
export function notRegular(file: string, st: fs.Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return `${file} is a folder, expected a file`;
  return `${file} is ${kindOf(st)}, expected a regular file`;
}

/**
 * Opens a regular file for reading (following symbolic links) and returns its descriptor and
 * size. Opening never blocks (a FIFO without a writer is refused, not waited on). A missing or
 * unreadable file, a folder, a FIFO or a device is a ConfigError naming the file.
 */
export function openRegular(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`file not found: ${file}`);
    if (code === 'EISDIR') throw new ConfigError(`${file} is a folder, expected a file`);
    throw new ConfigError(`${file}: cannot open (${code ?? (e as Error).message})`);
  }
  try {
    const st = fs.fstatSync(fd);
    const problem = notRegular(file, st);
    if (problem) throw new ConfigError(problem);
    return { fd, size: st.size };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** Reads `length` bytes at `position` (fewer only at the end of the file). */
export function readAt(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const got = fs.readSync(fd, buf, done, length - done, position + done);
    if (got <= 0) break;
    done += got;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** Reads a whole regular file (see openRegular): at most the size it had when opened. */
export function readRegular(file: string): Buffer {
  const { fd, size } = openRegular(file);
  try {
    return readAt(fd, size, 0);
  } catch (e) {
    throw new ConfigError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    fs.closeSync(fd);
  }
}

export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Decompresses the first `k` bytes of `gz`; 'over' when that yields more than `max` bytes. */
function inflatePrefix(gz: Uint8Array, k: number, max: number, name: string): Buffer | 'over' {
  try {
    return zlib.gunzipSync(gz.subarray(0, k), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: max });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return 'over';
    throw new DataError(`${name}: cannot gunzip (${(e as Error).message})`);
  }
}

/**
 * The start of a gzip stream's content: at least `needed` bytes (and at most about 1 MiB more),
 * or all of it when it is shorter (a truncated stream gives what it holds). Memory stays bounded
 * by `needed` whatever the stream expands to: a prefix of the compressed bytes is decompressed
 * with a cap on the output, and the prefix's length is found by bisection.
 */
export function gunzipAtLeast(gz: Uint8Array, needed: number, name: string): Buffer {
  const max = needed + GZIP_SLACK;
  const all = inflatePrefix(gz, gz.length, max, name);
  if (all !== 'over') return all;
  let lo = 0; // this prefix gives fewer than `needed` bytes
  let hi = gz.length; // this one gives more than `max`
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const r = inflatePrefix(gz, mid, max, name);
    if (r === 'over') hi = mid;
    else if (r.length >= needed) return r;
    else lo = mid;
  }
  // One more compressed byte cannot add GZIP_SLACK bytes of output, so this is not reached.
  throw new DataError(`${name}: cannot gunzip (the stream does not decompress incrementally)`);
}

/**
 * A whole gzip stream's content when it is exactly `expected` bytes long; a DataError naming
 * the file when it is longer (stopping as soon as it is) or shorter.
 */
export function gunzipExactly(gz: Uint8Array, expected: number, name: string, what: string): Buffer {
  const out = inflatePrefix(gz, gz.length, Math.max(1, expected), name);
  if (out === 'over' || out.length > expected) {
    throw new DataError(`${name}: decompresses to more than the ${expected} bytes ${what}`);
  }
  return out;
}

/** The flat index `i` of an array of shape `shape` as `[a, b, c]`. */
export function indexAt(i: number, shape: number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 1; d--) {
    idx.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  idx.unshift(i);
  return `[${idx.join(', ')}]`;
}

/**
 * Checks floating-point data: every value finite (no NaN, no ±Infinity). Throws a DataError naming
 * the file and the first bad value's index.
 */
export function checkFinite(data: Float32Array | Float64Array, shape: number[], name: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v === 0) continue;
    const at = indexAt(i, shape);
    if (Number.isNaN(v)) throw new DataError(`${name}: the value at ${at} is NaN; expected finite numbers (fill or drop missing values)`);
    throw new DataError(`${name}: the value at ${at} is ${v}; expected finite numbers`);
  }
}
