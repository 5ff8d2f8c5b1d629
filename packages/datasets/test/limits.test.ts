import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { csv, encodeIdx, encodeNpy, idx, npy, parseCsv, parseIdx, parseNpy, readCsv, readIdx, readLines, readNpy } from '../src';
import { ConfigError, DataError } from '../src/errors';
import { thrown, tmpDir } from './helpers';

const dir = tmpDir();
const ctx = { path: 'data', baseDir: dir };
const file = (name: string) => path.join(dir, name);

/** The gzip of `header` followed by `zeros` zero bytes, compressed chunk by chunk (never held whole). */
function gzipZeros(header: Buffer, zeros: number): Buffer {
  const chunk = Buffer.alloc(1 << 22);
  const flush = { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const body: Buffer[] = [zlib.deflateRawSync(header, flush)];
  let crc = zlib.crc32(header);
  let left = zeros;
  while (left > 0) {
    const n = Math.min(left, chunk.length);
    body.push(zlib.deflateRawSync(chunk.subarray(0, n), flush));
    crc = zlib.crc32(chunk.subarray(0, n), crc);
    left -= n;
  }
  body.push(zlib.deflateRawSync(Buffer.alloc(0))); // the final block
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((header.length + zeros) % 2 ** 32, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), ...body, trailer]);
}

function idxHeader(type: number, dims: number[]): Buffer {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h[2] = type;
  h[3] = dims.length;
  dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
  return h;
}

describe('IDX: bounded decompression', () => {
  // 400,000 28×28 images of zeros: 314 MB once decompressed, ~300 kB compressed.
  const n = 400000;
  let bomb: Buffer;
  beforeAll(() => {
    bomb = gzipZeros(idxHeader(0x08, [n, 28, 28]), n * 784);
    fs.writeFileSync(file('bomb-idx3-ubyte.gz'), bomb);
  });

  it('decompresses only what limit needs from a gzip bomb, quickly and in little memory', () => {
    expect(bomb.length).toBeLessThan(1e6);
    const rssBefore = process.memoryUsage().rss;
    const t0 = Date.now();
    const a = readIdx(file('bomb-idx3-ubyte.gz'), { limit: 100 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(a.dims).toEqual([100, 28, 28]);
    expect(a.fileCount).toBe(n);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    const ds = idx.create({ path: 'bomb-idx3-ubyte.gz', limit: 100 }, ctx);
    expect(ds.train.n + ds.test.n).toBe(100);
  });

  it('refuses to decompress it all without a limit: far more than 200 times the compressed size', () => {
    const t0 = Date.now();
    const e = thrown(() => idx.create({ path: 'bomb-idx3-ubyte.gz' }, ctx));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(
      /^data\.path: .*bomb-idx3-ubyte\.gz: reading \[400000, 28, 28\] ubyte would decompress 314 MB from 0\.\d MB of gzip, more than 200 times its size; .*limit option/,
    );
    expect(thrown(() => idx.create({ path: 'bomb-idx3-ubyte.gz', limit: 300000 }, ctx)).message).toMatch(/reading \[300000, 28, 28\] ubyte would decompress/);
  });

  it('refuses a gzip stream longer than its header declares, without decompressing it all', () => {
    fs.writeFileSync(file('liar.gz'), gzipZeros(idxHeader(0x08, [10, 28, 28]), 20e6));
    const t0 = Date.now();
    const e = thrown(() => readIdx(file('liar.gz')));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/liar\.gz: decompresses to more than the 7856 bytes its IDX header declares/);
  });

  it('refuses a header declaring more than the file can hold', () => {
    const huge = zlib.gzipSync(idxHeader(0x0e, [4000000000, 4000, 4000]));
    const e = thrown(() => parseIdx(huge, { name: 'huge.gz' }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^huge\.gz: IDX header declares \[4000000000, 4000, 4000\] double .* more than a gzip file of \d+ bytes can hold/);
    fs.writeFileSync(file('huge.idx'), idxHeader(0x08, [4000000000, 4000, 4000]));
    expect(thrown(() => readIdx(file('huge.idx'))).message).toMatch(/huge\.idx: IDX file is truncated/);
  });

  it('refuses an uncompressed file longer than its header declares', () => {
    fs.writeFileSync(file('long.idx'), Buffer.concat([encodeIdx(new Uint8Array(12), [3, 4]), Buffer.alloc(5)]));
    const e = thrown(() => readIdx(file('long.idx')));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/long\.idx: IDX file does not match its header: \[3, 4\] ubyte is 24 bytes but the file has 29/);
  });

  it('refuses NaN and infinite float and double values, naming the index', () => {
    const f = encodeIdx(Float32Array.from([1, 2, 3, NaN]), [2, 2]);
    expect(thrown(() => parseIdx(f, { name: 'f.idx' })).message).toBe('f.idx: the value at [1, 1] is NaN; expected finite numbers (fill or drop missing values)');
    const d = encodeIdx(Float64Array.from([1, -Infinity]), [2]);
    expect(thrown(() => parseIdx(d, { name: 'd.idx' })).message).toBe('d.idx: the value at [1] is -Infinity; expected finite numbers');
    fs.writeFileSync(file('big-double.idx'), encodeIdx(Float64Array.from([1, 2, 1e300, 4]), [2, 2]));
    const e = thrown(() => idx.create({ path: 'big-double.idx' }, ctx));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^data\.path: .*big-double\.idx: example 1, value 0 is outside the 32-bit float range/);
  });
});

describe('.npy: bounded and finite', () => {
  it('refuses NaN and ±Infinity, naming the index, in the reader and the plugin', () => {
    fs.writeFileSync(file('nan.npy'), encodeNpy(Float32Array.from([0, 1, 2, 3, NaN, 5]), [3, 2]));
    const e = thrown(() => readNpy(file('nan.npy')));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(`${file('nan.npy')}: the value at [2, 0] is NaN; expected finite numbers (fill or drop missing values)`);
    const p = thrown(() => npy.create({ path: 'nan.npy' }, ctx));
    expect(p).toBeInstanceOf(DataError);
    expect(p.message).toMatch(/^data\.path: .*nan\.npy: the value at \[2, 0\] is NaN/);
    expect(thrown(() => parseNpy(encodeNpy(Float64Array.from([Infinity]), [1]), 'i.npy')).message).toMatch(/i\.npy: the value at \[0\] is Infinity/);
    fs.writeFileSync(file('big.npy'), encodeNpy(Float64Array.from([1, 1e300]), [2, 1]));
    expect(thrown(() => npy.create({ path: 'big.npy', testFraction: 0 }, ctx)).message).toMatch(/big\.npy: example 1, value 0 is outside the 32-bit float range/);
  });

  it('bounds the header, the shape and the data by the file', () => {
    const good = encodeNpy(new Float32Array(6), [3, 2]);
    const bigHeader = Buffer.from(good);
    bigHeader[6] = 2;
    const v2 = Buffer.concat([bigHeader.subarray(0, 8), Buffer.from([0xff, 0xff, 0xff, 0x7f]), bigHeader.subarray(10)]);
    expect(thrown(() => parseNpy(v2, 'h.npy')).message).toMatch(/^h\.npy: the \.npy header claims 2147483647 bytes; at most 1048576 are read/);
    const hex = Buffer.from(good.toString('latin1').replace("'shape': (3, 2)", "'shape': (0x3, 2)"), 'latin1');
    expect(thrown(() => parseNpy(hex, 's.npy')).message).toMatch(/^s\.npy: bad shape \(0x3, 2\)/);
    const sci = Buffer.from(good.toString('latin1').replace("'shape': (3, 2)", "'shape': (3e0, 2)"), 'latin1');
    expect(thrown(() => parseNpy(sci, 's.npy')).message).toMatch(/^s\.npy: bad shape/);
    const vast = Buffer.from(good.toString('latin1').replace("'shape': (3, 2)", "'shape': (9999999999999999, 9999999999999999)"), 'latin1');
    expect(thrown(() => parseNpy(vast, 'v.npy')).message).toMatch(/^v\.npy: \.npy data is truncated/);
    const long = Buffer.concat([good, Buffer.alloc(4)]);
    expect(thrown(() => parseNpy(long, 'l.npy')).message).toMatch(/^l\.npy: \.npy file does not match its header: shape \(3, 2\) of <f4 needs 24 bytes, found 28/);
    expect(thrown(() => parseNpy(Buffer.from(good.toString('latin1').replace('<f4', '<c8'), 'latin1'), 'c.npy')).message).toMatch(
      /c\.npy: dtype '<c8' is not supported/,
    );
  });

  it('decompresses a .npy.gz only as far as limit needs, and refuses one longer than its header', () => {
    const head = encodeNpy(new Uint8Array(0), [0]);
    const text = head.toString('latin1').replace("'shape': (0,)", "'shape': (100000, 784)");
    const bomb = gzipZeros(Buffer.from(text, 'latin1'), 100000 * 784);
    fs.writeFileSync(file('bomb.npy.gz'), bomb);
    const t0 = Date.now();
    const a = readNpy(file('bomb.npy.gz'), { limit: 10 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(a.shape).toEqual([10, 784]);
    expect(a.fileRows).toBe(100000);
    const ds = npy.create({ path: 'bomb.npy.gz', limit: 10 }, ctx);
    expect(ds.train.n + ds.test.n).toBe(10);
    const liar = gzipZeros(Buffer.from(text.replace('(100000, 784)', '(2, 784)'), 'latin1'), 20e6);
    expect(thrown(() => readNpy(file('bomb.npy.gz'))).message).toMatch(/bomb\.npy\.gz: reading 100000 of 100000 rows of shape \(100000, 784\) would decompress 78 MB/);
    expect(thrown(() => parseNpy(liar, 'liar.npy.gz')).message).toMatch(/^liar\.npy\.gz: decompresses to more than the \d+ bytes its \.npy header declares/);
  });
});

describe('CSV: line cap and strict numbers', () => {
  it('stops at the line-length cap with a located message, in little memory', () => {
    const fd = fs.openSync(file('noline.csv'), 'w');
    fs.ftruncateSync(fd, 200 * 1024 * 1024); // 200 MB of zero bytes, no newline (sparse)
    fs.closeSync(fd);
    const rssBefore = process.memoryUsage().rss;
    const t0 = Date.now();
    const e = thrown(() => csv.create({ path: 'noline.csv' }, ctx));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^data\.path: noline\.csv line 1: a line longer than 8 MiB \(8388608 bytes\); is this a text file of numbers/);
    fs.writeFileSync(file('wide.csv'), '1,2,3\n' + '4,5,6'.repeat(1) + '\n' + 'x'.repeat(100) + '\n');
    expect(thrown(() => csv.create({ path: 'wide.csv', maxLineBytes: 50 }, ctx)).message).toMatch(/wide\.csv line 3: a line longer than 50 bytes/);
    expect(thrown(() => parseCsv('1,2\n3,4444444', { maxLineBytes: 5, name: 's.csv' })).message).toMatch(/^s\.csv line 2: a line longer than 5 bytes/);
  });

  it('refuses FIFOs, devices and folders where a file is expected', () => {
    const fifo = file('pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    const e = thrown(() => csv.create({ path: 'pipe.csv' }, ctx));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(`data.path: ${fifo} is a named pipe (FIFO), expected a regular file`);
    expect(thrown(() => readCsv(fifo)).message).toBe(`${fifo} is a named pipe (FIFO), expected a regular file`);
    expect(thrown(() => readIdx(fifo)).message).toMatch(/named pipe/);
    expect(thrown(() => readNpy(fifo)).message).toMatch(/named pipe/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(thrown(() => csv.create({ path: '/dev/zero' }, ctx)).message).toBe('data.path: /dev/zero is a character device, expected a regular file');
    expect(thrown(() => readNpy('/dev/zero')).message).toBe('/dev/zero is a character device, expected a regular file');
    expect(thrown(() => readIdx(dir)).message).toBe(`${dir} is a folder, expected a file`);
    fs.symlinkSync('/dev/zero', file('zero-link.idx'));
    expect(thrown(() => idx.create({ path: 'zero-link.idx' }, ctx)).message).toMatch(/zero-link\.idx is a character device/);
  });

  it.each([
    ['0x10', "'0x10' is not a decimal number"],
    ['0b1', "'0b1' is not a decimal number"],
    ['1e999', "'1e999' is out of range (data values are 32-bit floats, up to ±3.4e38)"],
    ['1e39', "'1e39' is out of range"],
    ['Infinity', "'Infinity' is not a finite number"],
    ['-inf', "'-inf' is not a finite number"],
    ['NaN', "'NaN' is not a finite number"],
    ['1_000', "'1_000' is not a number"],
    ['1,5', 'expected 2 columns, found 3'],
    ['', 'empty cell, expected a number'],
    ['""', 'empty cell, expected a number'],
    ['\u00a012', "'\u00a012' is not a decimal number"],
  ])('refuses the cell %j with the line and column', (cell, problem) => {
    const e = thrown(() => parseCsv(`a,b\n1,2\n3,${cell}\n`, { name: 'c.csv' }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(problem.startsWith('expected') ? `c.csv line 3: ${problem}` : `c.csv line 3, column 2: ${problem}`);
  });

  it('refuses a bad number in the first line instead of taking it for a header', () => {
    expect(thrown(() => parseCsv('0x10,2\n3,4\n', { name: 'h.csv' })).message).toBe("h.csv line 1, column 1: '0x10' is not a decimal number");
    expect(thrown(() => parseCsv('nan,2\n3,4\n', { name: 'h.csv' })).message).toBe("h.csv line 1, column 1: 'nan' is not a finite number");
    expect(parseCsv(',0,1\n5,6,7\n').columns).toEqual(['', '0', '1']); // a pandas index header stays a header
  });

  it('keeps accepting the decimal numbers it always did', () => {
    const t = parseCsv(' 12 ,\t-0.5,.5,5.,1e-3,+7,"3",-1.5E+2,3.4e38\n', {});
    expect(Array.from(t.x)).toEqual(Array.from(Float32Array.from([12, -0.5, 0.5, 5, 0.001, 7, 3, -150, 3.4e38])));
    expect(Array.from(parseCsv('1,2\n3,4', { labelColumn: 1 }).labels!)).toEqual([2, 4]);
    expect(thrown(() => parseCsv('1,2\n3,1e12', { labelColumn: 1, name: 'l.csv' })).message).toBe("l.csv line 2, column 2: label '1e12' is not a whole number");
  });
});

describe('readLines', () => {
  it('streams lines with their numbers and stops at the cap', async () => {
    fs.writeFileSync(file('lines.txt'), 'a,b\r\n\n1,2\n3,é');
    const got: [number, string][] = [];
    for await (const { text, line } of readLines(file('lines.txt'))) got.push([line, text]);
    expect(got).toEqual([[1, 'a,b'], [2, ''], [3, '1,2'], [4, '3,é']]);
    const lines = async () => {
      for await (const _ of readLines(file('noline.csv'), { name: 'n.csv' })) void _;
    };
    await expect(lines()).rejects.toThrow(/^n\.csv line 1: a line longer than 8 MiB/);
    const short = async () => {
      for await (const _ of readLines(file('lines.txt'), { maxLineBytes: 2 })) void _;
    };
    await expect(short()).rejects.toBeInstanceOf(DataError);
  });
});

describe('messages', () => {
  it('show control characters from a data file escaped, never raw', () => {
    const e = thrown(() => parseCsv('1,2\n3,\u001b]0;owned\u0007x\u202e\n', { name: 'e.csv' }));
    expect(e.message).toBe("e.csv line 2, column 2: '\\x1b]0;owned\\x07x\\u202e' is not a number");
    const n = thrown(() => parseCsv('a,b\n1,2\n', { name: 'e.csv', labelColumn: 'c\u001b[2J' }));
    expect(n.message).not.toMatch(/\u001b/);
    const good = encodeNpy(new Float32Array(2), [2]);
    const esc = Buffer.from(good.toString('latin1').replace("'<f4'", "'\u001b[31m'"), 'latin1');
    const d = thrown(() => parseNpy(esc, 'x.npy'));
    expect(d.message).toMatch(/dtype '\\x1b\[31m' is not supported/);
  });
});
