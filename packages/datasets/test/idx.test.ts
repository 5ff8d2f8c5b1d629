import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { encodeIdx, idx, parseIdx, readIdx, writeIdx } from '../src';
import type { IdxType } from '../src';
import { same, thrown, tmpDir } from './helpers';
import { ConfigError, DataError } from '../src/errors';

const dir = tmpDir();
const ctx = { path: 'data', baseDir: dir };

/** n images of h×w bytes where pixel (i, r, c) = (i * 7 + r * w + c) % 256. */
function images(n: number, h: number, w: number): Uint8Array {
  return Uint8Array.from({ length: n * h * w }, (_, k) => (Math.floor(k / (h * w)) * 7 + (k % (h * w))) % 256);
}

describe('IDX reader/writer', () => {
  it('writes the documented header: 00 00 type rank, big-endian dims', () => {
    const buf = encodeIdx(new Uint8Array(6), [2, 3]);
    expect(Array.from(buf.subarray(0, 12))).toEqual([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
    const f = encodeIdx(new Float32Array([1.5]), [1]);
    expect(Array.from(f)).toEqual([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]); // 1.5f big-endian
  });

  const cases: [IdxType, ArrayLike<number>][] = [
    ['ubyte', Uint8Array.from([0, 1, 127, 128, 255, 42])],
    ['sbyte', Int8Array.from([-128, -1, 0, 1, 127, 5])],
    ['short', Int16Array.from([-32768, -2, 0, 3, 32767, 1000])],
    ['int', Int32Array.from([-2147483648, -5, 0, 7, 2147483647, 123456])],
    ['float', Float32Array.from([-1.25, 0, 0.5, 3.4e38, 1e-7, Math.PI])],
    ['double', Float64Array.from([-1.25, 0, 0.5, 1e300, 1e-300, Math.PI])],
  ];
  it.each(cases)('round-trips %s data of rank 3', (type, data) => {
    const file = path.join(dir, `rt-${type}.idx`);
    writeIdx(file, data, [3, 1, 2]);
    const back = readIdx(file);
    expect(back.type).toBe(type);
    expect(back.dims).toEqual([3, 1, 2]);
    expect(back.fileCount).toBe(3);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('reads only the first items with limit, and reads .gz files', () => {
    const data = images(5, 2, 2);
    const file = path.join(dir, 'lim.idx');
    writeIdx(file, data, [5, 2, 2]);
    const part = readIdx(file, { limit: 2 });
    expect(part.dims).toEqual([2, 2, 2]);
    expect(part.fileCount).toBe(5);
    expect(Array.from(part.data)).toEqual(Array.from(data.subarray(0, 8)));
    fs.writeFileSync(file + '.gz', zlib.gzipSync(encodeIdx(data, [5, 2, 2])));
    expect(Array.from(readIdx(file + '.gz', { limit: 3 }).data)).toEqual(Array.from(data.subarray(0, 12)));
    expect(Array.from(parseIdx(encodeIdx(data, [5, 2, 2])).data)).toEqual(Array.from(data));
  });

  it('rejects files that are not IDX or are truncated', () => {
    const bad = path.join(dir, 'bad.idx');
    fs.writeFileSync(bad, 'hello world');
    expect(thrown(() => readIdx(bad)).message).toMatch(/bad\.idx: not an IDX file/);
    const short = path.join(dir, 'short.idx');
    fs.writeFileSync(short, encodeIdx(new Uint8Array(12), [3, 4]).subarray(0, 15));
    const e = thrown(() => readIdx(short));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/short\.idx: IDX file is truncated/);
  });
});

describe('idx plugin', () => {
  beforeAll(() => {
    writeIdx(path.join(dir, 'train-images'), images(20, 4, 3), [20, 4, 3]);
    writeIdx(path.join(dir, 'train-labels'), Uint8Array.from({ length: 20 }, (_, i) => i % 4), [20]);
    writeIdx(path.join(dir, 'test-images'), images(6, 4, 3), [6, 4, 3]);
    writeIdx(path.join(dir, 'test-labels'), Uint8Array.from({ length: 6 }, (_, i) => 9 - i), [6]);
  });

  it('gives rank-3 images a channel axis, scales ubyte by 255 and holds out testFraction', () => {
    const ds = idx.create({ path: 'train-images', labels: 'train-labels', validation: 3 }, ctx);
    expect(ds.info.shape).toEqual([4, 3, 1]);
    expect(ds.train.n).toBe(15); // 20 - 2 test (0.1) - 3 validation
    expect(ds.validation.n).toBe(3);
    expect(ds.test.n).toBe(2);
    expect(ds.train.dim).toBe(12);
    const raw = images(20, 4, 3);
    expect(ds.train.x[13]).toBeCloseTo(raw[13] / 255, 7);
    expect(ds.test.x[0]).toBeCloseTo(raw[18 * 12] / 255, 7);
    expect(Array.from(ds.train.labels!.subarray(0, 5))).toEqual([0, 1, 2, 3, 0]);
    expect(Array.from(ds.test.labels!)).toEqual([2, 3]);
    expect(ds.info.max).toBeLessThanOrEqual(1);
    expect(ds.info.min).toBe(0);
  });

  it('uses a separate test file, limit and testLimit', () => {
    const ds = idx.create(
      { path: 'train-images', labels: 'train-labels', testPath: 'test-images', testLabels: 'test-labels', limit: 10, testLimit: 4 },
      ctx,
    );
    expect(ds.train.n).toBe(10);
    expect(ds.validation.n).toBe(0);
    expect(ds.test.n).toBe(4);
    expect(Array.from(ds.test.labels!)).toEqual([9, 8, 7, 6]);
  });

  it('reads float32 data as is (scale auto = 1) and rank 2 as vectors', () => {
    const data = Float32Array.from({ length: 30 }, (_, i) => i / 10 - 1);
    writeIdx(path.join(dir, 'vec.idx'), data, [10, 3]);
    const ds = idx.create({ path: 'vec.idx', testFraction: 0.2, validation: 0.25 }, ctx);
    expect(ds.info.shape).toEqual([3]);
    expect([ds.train.n, ds.validation.n, ds.test.n]).toEqual([6, 2, 2]);
    expect(same(ds.train.x, data.subarray(0, 18))).toBe(true);
    expect(same(ds.test.x, data.subarray(24))).toBe(true);
    expect(ds.info.min).toBeCloseTo(-1, 6);
    expect(ds.info.max).toBeCloseTo(0.7, 6);
    expect(ds.train.labels).toBeUndefined();
    const mm = idx.create({ path: 'vec.idx', scale: 'minmax', testFraction: 0 }, ctx);
    expect(mm.info.min).toBe(0);
    expect(mm.info.max).toBe(1);
  });

  it('binarizes statically and reproducibly', () => {
    const a = idx.create({ path: 'train-images', binarize: 'static', seed: 3 }, ctx);
    const b = idx.create({ path: 'train-images', binarize: 'static', seed: 3 }, ctx);
    expect(a.train.x.every((v) => v === 0 || v === 1)).toBe(true);
    expect(same(a.train.x, b.train.x)).toBe(true);
    expect(thrown(() => idx.create({ path: 'vec.idx', binarize: 'static' }, ctx)).message).toMatch(
      /^data\.binarize: 'static' needs values in \[0, 1\]/,
    );
  });

  it('names the option and the file in errors', () => {
    let e = thrown(() => idx.create({ path: 'missing.idx' }, ctx));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.path).toBe('data.path');
    expect(e.message).toBe(`data.path: file not found: ${path.join(dir, 'missing.idx')}`);
    writeIdx(path.join(dir, 'few-labels'), new Uint8Array(19), [19]);
    e = thrown(() => idx.create({ path: 'train-images', labels: 'few-labels' }, ctx));
    expect(e.message).toMatch(/^data\.labels: .*few-labels has 19 labels but .*train-images has 20 examples/);
    fs.writeFileSync(path.join(dir, 'junk'), 'not idx');
    e = thrown(() => idx.create({ path: 'junk' }, ctx));
    expect(e.message).toMatch(/^data\.path: .*junk: not an IDX file/);
    e = thrown(() => idx.create({} as any, ctx));
    expect(e.message).toBe('data.path: required');
    e = thrown(() => idx.create({ path: 'train-images', testLabels: 'test-labels' }, ctx));
    expect(e.message).toMatch(/^data\.testLabels: needs testPath/);
  });
});
