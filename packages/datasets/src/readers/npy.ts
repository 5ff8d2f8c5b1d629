import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { ConfigError, DataError } from '../errors';
import { readBytes } from '../util';
import type { NumericArray } from '../types';

/** The dtypes writeNpy can write. */
export type NpyWriteDtype = '<f4' | '<f8' | '|u1' | '|i1' | '<i2' | '<u2' | '<i4' | '<u4' | '|b1';

export interface NpyArray {
  /** The dtype as written in the header, such as '<f4'. */
  descr: string;
  shape: number[];
  /**
   * The values in C order. Float32Array for f4, Float64Array for f8 and for 64-bit integers
   * (converted to numbers), Uint8Array for b1 (0/1) and u1, and the matching typed array otherwise.
   */
  data: NumericArray;
  /** Format version [major, minor]. */
  version: [number, number];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Parses a .npy file held in memory (format versions 1, 2 and 3; gzip-compressed is fine).
 * Supports little- and big-endian f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1, C order.
 * A malformed file is a DataError naming `name`.
 */
export function parseNpy(buf: Uint8Array, name = '.npy data'): NpyArray {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (e) {
      throw new DataError(`${name}: cannot gunzip (${(e as Error).message})`);
    }
  }
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b)) {
    throw new DataError(`${name}: not a .npy file (it does not start with \\x93NUMPY)`);
  }
  const major = buf[6];
  const minor = buf[7];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new DataError(`${name}: .npy header is truncated`);
    headerLen = dv.getUint32(8, true);
    start = 12;
  } else {
    throw new DataError(`${name}: .npy format version ${major}.${minor} is not supported (expected 1, 2 or 3)`);
  }
  if (buf.length < start + headerLen) throw new DataError(`${name}: .npy header is truncated`);
  const header = Buffer.from(buf.buffer, buf.byteOffset + start, headerLen).toString(major === 3 ? 'utf8' : 'latin1');

  const descrM = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortranM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrM) {
    const structured = /['"]descr['"]\s*:\s*\[/.test(header);
    throw new DataError(
      structured
        ? `${name}: structured (record) dtypes are not supported; save a plain numeric array`
        : `${name}: cannot read the dtype from the .npy header ${JSON.stringify(header.trim())}`,
    );
  }
  if (!fortranM || !shapeM) throw new DataError(`${name}: malformed .npy header ${JSON.stringify(header.trim())}`);
  if (fortranM[1] === 'True') {
    throw new DataError(
      `${name}: the array is stored in Fortran (column-major) order, which is not supported; ` +
        'save it in C order, e.g. np.save(path, np.ascontiguousarray(a))',
    );
  }
  const shape = shapeM[1]
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataError(`${name}: bad shape (${shapeM[1]}) in the .npy header`);

  const descr = descrM[1];
  const dt = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const supported = ['f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1'];
  if (!dt || !supported.includes(dt[2] + dt[3])) {
    throw new DataError(
      `${name}: dtype '${descr}' is not supported (expected one of <f4, <f8, |u1, |i1, <i2, <u2, <i4, <u4, <i8, <u8, |b1)`,
    );
  }
  const kind = dt[2];
  const size = Number(dt[3]);
  const little = dt[1] !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const needed = count * size;
  if (buf.length - dataStart < needed) {
    throw new DataError(
      `${name}: .npy data is truncated: shape (${shape.join(', ')}) of ${descr} needs ${needed} bytes, found ${buf.length - dataStart}`,
    );
  }
  // Copy into a fresh, aligned buffer.
  const bytes = new Uint8Array(needed);
  bytes.set(buf.subarray(dataStart, dataStart + needed));
  return { descr, shape, data: decode(kind, size, little, bytes, count), version: [major, minor] };
}

function decode(kind: string, size: number, little: boolean, bytes: Uint8Array, count: number): NumericArray {
  const ab = bytes.buffer;
  if (kind === 'b') {
    for (let i = 0; i < count; i++) bytes[i] = bytes[i] ? 1 : 0;
    return bytes;
  }
  if (size === 1) return kind === 'i' ? new Int8Array(ab) : bytes;
  const native = little === HOST_LE;
  const dv = new DataView(ab);
  if (size === 8 && kind !== 'f') {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = Number(kind === 'i' ? dv.getBigInt64(8 * i, little) : dv.getBigUint64(8 * i, little));
    }
    return out;
  }
  const key = kind + size;
  if (native) {
    switch (key) {
      case 'f4':
        return new Float32Array(ab);
      case 'f8':
        return new Float64Array(ab);
      case 'i2':
        return new Int16Array(ab);
      case 'u2':
        return new Uint16Array(ab);
      case 'i4':
        return new Int32Array(ab);
      case 'u4':
        return new Uint32Array(ab);
    }
  }
  switch (key) {
    case 'f4':
      return Float32Array.from({ length: count }, (_, i) => dv.getFloat32(4 * i, little));
    case 'f8':
      return Float64Array.from({ length: count }, (_, i) => dv.getFloat64(8 * i, little));
    case 'i2':
      return Int16Array.from({ length: count }, (_, i) => dv.getInt16(2 * i, little));
    case 'u2':
      return Uint16Array.from({ length: count }, (_, i) => dv.getUint16(2 * i, little));
    case 'i4':
      return Int32Array.from({ length: count }, (_, i) => dv.getInt32(4 * i, little));
    default:
      return Uint32Array.from({ length: count }, (_, i) => dv.getUint32(4 * i, little));
  }
}

/** Reads a .npy file (see parseNpy). */
export function readNpy(file: string): NpyArray {
  if (!fs.existsSync(file)) throw new ConfigError(`file not found: ${file}`);
  return parseNpy(readBytes(file), file);
}

function dtypeOf(data: ArrayLike<number>): NpyWriteDtype {
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Int8Array) return '|i1';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Uint16Array) return '<u2';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint32Array) return '<u4';
  return '<f4';
}

/**
 * Encodes values as a .npy file (format 1.0, or 2.0 when the header needs it), C order,
 * little-endian. The dtype defaults from the array (Float32Array → <f4, Float64Array → <f8,
 * Uint8Array → |u1, Int32Array → <i4, …; plain number arrays → <f4).
 */
export function encodeNpy(data: ArrayLike<number>, shape: number[], dtype: NpyWriteDtype = dtypeOf(data)): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new RangeError(`bad shape [${shape.join(', ')}]`);
  if (count !== data.length) throw new RangeError(`shape [${shape.join(', ')}] holds ${count} values but data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let major = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    major = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - prefix;
  const header = dict.padEnd(headerLen - 1, ' ') + '\n';
  const size = Number(dtype.slice(2));
  const out = Buffer.alloc(total + count * size);
  MAGIC.forEach((b, i) => (out[i] = b));
  out[6] = major;
  out[7] = 0;
  if (major === 1) out.writeUInt16LE(headerLen, 8);
  else out.writeUInt32LE(headerLen, 8);
  out.write(header, prefix, 'latin1');
  const dv = new DataView(out.buffer, out.byteOffset + total, count * size);
  for (let i = 0; i < count; i++) {
    const v = data[i];
    switch (dtype) {
      case '<f4':
        dv.setFloat32(4 * i, v, true);
        break;
      case '<f8':
        dv.setFloat64(8 * i, v, true);
        break;
      case '|u1':
        dv.setUint8(i, v);
        break;
      case '|i1':
        dv.setInt8(i, v);
        break;
      case '|b1':
        dv.setUint8(i, v ? 1 : 0);
        break;
      case '<i2':
        dv.setInt16(2 * i, v, true);
        break;
      case '<u2':
        dv.setUint16(2 * i, v, true);
        break;
      case '<i4':
        dv.setInt32(4 * i, v, true);
        break;
      case '<u4':
        dv.setUint32(4 * i, v, true);
        break;
    }
  }
  return out;
}

/** Writes a .npy file (see encodeNpy), creating the folder if needed. */
export function writeNpy(file: string, data: ArrayLike<number>, shape: number[], dtype?: NpyWriteDtype): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodeNpy(data, shape, dtype));
}
