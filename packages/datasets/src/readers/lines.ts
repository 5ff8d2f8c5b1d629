import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';
import { DataError } from '../errors';
import { DEFAULT_MAX_LINE_BYTES, lineTooLong } from './csv';

/**
 * The lines of a text file, streamed (for files larger than memory), with their 1-based numbers
 * and without the line ending. A line longer than `maxLineBytes` characters (default 8 MiB), such
 * as in a file without newlines, stops the read with a DataError naming the file (`name`) and
 * the line.
 */
export async function* readLines(
  file: string,
  options: { name?: string; maxLineBytes?: number } = {},
): AsyncGenerator<{ text: string; line: number }> {
  const name = options.name ?? file;
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let line = 0;
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 16 });
  const tooLong = () => new DataError(`${name} line ${line + 1}: ${lineTooLong(max)}`);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const s = decoder.write(chunk);
      let start = 0;
      for (;;) {
        const nl = s.indexOf('\n', start);
        if (nl < 0) break;
        if (partial.length + nl - start > max) throw tooLong();
        let text = partial ? partial + s.slice(start, nl) : s.slice(start, nl);
        partial = '';
        if (text.endsWith('\r')) text = text.slice(0, -1);
        yield { text, line: ++line };
        start = nl + 1;
      }
      if (start < s.length) {
        if (partial.length + s.length - start > max) throw tooLong();
        partial += s.slice(start);
      }
    }
    partial += decoder.end();
    if (partial) {
      if (partial.length > max) throw tooLong();
      yield { text: partial.endsWith('\r') ? partial.slice(0, -1) : partial, line: ++line };
    }
  } finally {
    stream.destroy();
  }
}
