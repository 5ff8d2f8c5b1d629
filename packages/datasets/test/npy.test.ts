import * as fs from 'fs';
import * as path from 'path';
import { encodeNpy, npy, parseNpy, readNpy, writeNpy } from '../src';
import { same, thrown, tmpDir } from './helpers';
import { DataError } from '../src/errors';

const dir = tmpDir();
const ctx = { path: 'data', baseDir: dir };

/** A hand-made .npy file: any header dict, any version, raw data bytes. */
function rawNpy(dict: string, data: Uint8Array, major = 1): Buffer {
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(head);
  if (major === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

describe('npy reader/writer', () => {
  it('writes a v1 header numpy can read, padded to 64 bytes', () => {
    const buf = encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]));
    const hlen = buf.readUInt16LE(8);
    expect((10 + hlen) % 64).toBe(0);
    const header = buf.subarray(10, 10 + hlen).toString('latin1');
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect(buf.length).toBe(10 + hlen + 24);
    expect(encodeNpy([1, 2], [2]).subarray(10).toString('latin1')).toContain("'shape': (2,)");
  });

  it('round-trips float32 and uint8 files', () => {
    const f = Float32Array.from({ length: 24 }, (_, i) => i / 3 - 2);
    writeNpy(path.join(dir, 'f.npy'), f, [4, 2, 3]);
    const a = readNpy(path.join(dir, 'f.npy'));
    expect(a.descr).toBe('<f4');
    expect(a.shape).toEqual([4, 2, 3]);
    expect(a.version).toEqual([1, 0]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(same(a.data, f)).toBe(true);
    const u = Uint8Array.from({ length: 10 }, (_, i) => i * 25);
    writeNpy(path.join(dir, 'u.npy'), u, [10]);
    const b = readNpy(path.join(dir, 'u.npy'));
    expect(b.descr).toBe('|u1');
    expect(Array.from(b.data)).toEqual(Array.from(u));
  });

  it('reads <f8, <i4, <i8, |b1, big-endian and v2/v3 headers', () => {
    const f8 = parseNpy(encodeNpy(new Float64Array([0.1, -2]), [2]));
    expect(Array.from(f8.data)).toEqual([0.1, -2]);
    const i4 = parseNpy(encodeNpy(new Int32Array([-7, 9]), [1, 2]));
    expect(Array.from(i4.data)).toEqual([-7, 9]);
    const i8 = new DataView(new ArrayBuffer(16));
    i8.setBigInt64(0, -3n, true);
    i8.setBigInt64(8, 5000000000n, true);
    const a = parseNpy(rawNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(i8.buffer)));
    expect(Array.from(a.data)).toEqual([-3, 5000000000]);
    const b1 = parseNpy(encodeNpy([1, 0, 1], [3], '|b1'));
    expect(b1.descr).toBe('|b1');
    expect(Array.from(b1.data)).toEqual([1, 0, 1]);
    const be = new DataView(new ArrayBuffer(8));
    be.setFloat32(0, 1.5, false);
    be.setFloat32(4, -4, false);
    const c = parseNpy(rawNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(be.buffer)));
    expect(Array.from(c.data)).toEqual([1.5, -4]);
    for (const major of [2, 3]) {
      const v = parseNpy(rawNpy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", Uint8Array.from([1, 2, 3]), major));
      expect(v.version[0]).toBe(major);
      expect(Array.from(v.data)).toEqual([1, 2, 3]);
    }
  });

  it('rejects Fortran order, unsupported dtypes and non-npy files clearly', () => {
    const fortran = path.join(dir, 'fortran.npy');
    fs.writeFileSync(fortran, rawNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new Uint8Array(16)));
    let e = thrown(() => readNpy(fortran));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain('fortran.npy: the array is stored in Fortran (column-major) order, which is not supported');
    e = thrown(() => npy.create({ path: 'fortran.npy' }, ctx));
    expect(e.message).toMatch(/^data\.path: .*fortran\.npy: .*Fortran/);
    expect(e.path).toBe('data.path');
    e = thrown(() => parseNpy(rawNpy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), 'z.npy'));
    expect(e.message).toMatch(/^z\.npy: dtype '<c8' is not supported/);
    e = thrown(() => parseNpy(Buffer.from('PK\x03\x04 not npy'), 'arch.npz'));
    expect(e.message).toMatch(/^arch\.npz: not a \.npy file/);
    const whole = encodeNpy(new Float32Array(4), [4]);
    e = thrown(() => parseNpy(whole.subarray(0, whole.length - 4), 't.npy'));
    expect(e.message).toMatch(/^t\.npy: \.npy data is truncated/);
  });
});

describe('npy plugin', () => {
  it('loads float32 examples; shape is the axes after the first', () => {
    const x = Float32Array.from({ length: 20 * 6 }, (_, i) => (i % 13) - 6);
    writeNpy(path.join(dir, 'x.npy'), x, [20, 2, 3]);
    writeNpy(path.join(dir, 'y.npy'), Int32Array.from({ length: 20 }, (_, i) => i % 5), [20]);
    const ds = npy.create({ path: 'x.npy', labels: 'y.npy', validation: 2 }, ctx);
    expect(ds.info.shape).toEqual([2, 3]);
    expect([ds.train.n, ds.validation.n, ds.test.n]).toEqual([16, 2, 2]);
    expect(same(ds.train.x, x.subarray(0, 16 * 6))).toBe(true);
    expect(same(ds.test.x, x.subarray(18 * 6))).toBe(true);
    expect(Array.from(ds.test.labels!)).toEqual([3, 4]);
    expect(ds.info.min).toBe(-6);
    expect(ds.info.max).toBe(6);
  });

  it('scales uint8 data by 255 by default and binarizes', () => {
    const u = Uint8Array.from({ length: 10 * 4 }, (_, i) => (i * 37) % 256);
    writeNpy(path.join(dir, 'img.npy'), u, [10, 2, 2]);
    const ds = npy.create({ path: 'img.npy', testFraction: 0 }, ctx);
    expect(ds.train.n).toBe(10);
    expect(ds.train.x[5]).toBeCloseTo(u[5] / 255, 7);
    expect(ds.info.max).toBeLessThanOrEqual(1);
    const raw = npy.create({ path: 'img.npy', scale: 'none' }, ctx);
    expect(raw.info.max).toBe(Math.max(...u.subarray(0, 9 * 4)));
    const bin = npy.create({ path: 'img.npy', binarize: 'static', seed: 5 }, ctx);
    expect(bin.train.x.every((v) => v === 0 || v === 1)).toBe(true);
    expect(bin.binarize).toBe('static');
  });

  it('names the option and the file in errors', () => {
    let e = thrown(() => npy.create({ path: 'nope.npy' }, ctx));
    expect(e.message).toBe(`data.path: file not found: ${path.join(dir, 'nope.npy')}`);
    writeNpy(path.join(dir, 'y2d.npy'), new Int32Array(20), [20, 1]);
    e = thrown(() => npy.create({ path: 'x.npy', labels: 'y2d.npy' }, ctx));
    expect(e.message).toMatch(/^data\.labels: labels must be a 1-D array/);
    writeNpy(path.join(dir, 'yshort.npy'), new Int32Array(19), [19]);
    e = thrown(() => npy.create({ path: 'x.npy', labels: 'yshort.npy' }, ctx));
    expect(e.message).toMatch(/^data\.labels: .*yshort\.npy has 19 labels but .*x\.npy has 20 examples/);
  });
});
