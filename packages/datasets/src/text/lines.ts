import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import { ConfigError, DataError } from '../errors';
import { openRegular } from '../readers/io';

/** Default cap on one line of a text dataset: far above a sentence or a molecule, and it bounds a user pattern's time per line. */
export const DEFAULT_MAX_TEXT_LINE_BYTES = 64 * 1024;
/**
 * The default cap with a user's regex tokenizer: scanning a line for matches may take time
 * quadratic in its length (each start position can scan to the end: 0.1 s for 4 KiB of a bad
 * pattern, 20–40 s for 64 KiB), so lines are kept short unless the user raises maxLineBytes.
 */
export const DEFAULT_MAX_REGEX_LINE_BYTES = 4 * 1024;
/** Bytes read from the file at a time. */
const CHUNK = 1 << 20;

/**
 * Calls `fn` with each line of a UTF-8 text file (without its line ending; a byte-order mark at
 * the start is dropped) and its 1-based number, streaming it in chunks so memory stays bounded by
 * one line. `fn` returns false to stop early. A line longer than `maxLineBytes`, or one that is
 * not valid UTF-8, stops the read with a DataError naming the file (`name`) and the line.
 */
export function forEachLine(
  file: string,
  options: { name: string; maxLineBytes: number },
  fn: (text: string, line: number) => boolean | void,
): void {
  const { name, maxLineBytes: max } = options;
  const { fd, size } = openRegular(file);
  let lineNo = 0;
  const emit = (bytes: Buffer): boolean => {
    lineNo++;
    if (lineNo === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    if (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    if (!isUtf8(bytes)) throw notUtf8(name, lineNo, bytes);
    return fn(bytes.toString('utf8'), lineNo) !== false;
  };
  try {
    const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, size)));
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let pos = 0;
    const tooLong = () =>
      new DataError(`${name} line ${lineNo + 1}: a line longer than ${max} bytes; expected one sequence per line (raise maxLineBytes for longer lines)`);
    while (pos < size) {
      const got = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - pos), pos);
      if (got <= 0) break;
      pos += got;
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl < 0 || nl >= got) break;
        if (pendingBytes + nl - start > max + 1) throw tooLong();
        const piece = chunk.subarray(start, nl);
        const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        if (!emit(bytes)) return;
        start = nl + 1;
      }
      if (start < got) {
        if (pendingBytes + got - start > max + 1) throw tooLong();
        pending.push(Buffer.from(chunk.subarray(start, got)));
        pendingBytes += got - start;
      }
    }
    if (pendingBytes) {
      if (pendingBytes > max + 1) throw tooLong();
      emit(Buffer.concat(pending));
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** The message for a line that is not UTF-8, naming the first bad byte. */
function notUtf8(name: string, line: number, bytes: Buffer): DataError {
  const at = firstInvalidUtf8(bytes);
  const hex = bytes[at].toString(16).toUpperCase().padStart(2, '0');
  return new DataError(
    `${name} line ${line}: not UTF-8 text (byte ${at + 1} of the line is 0x${hex}); ` +
      'text datasets must be UTF-8 encoded (convert a Latin-1 file with: iconv -f latin1 -t utf-8)',
  );
}

/** Index of the first byte that does not belong to a valid UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}
