import * as fs from 'fs';
import * as path from 'path';
import { DataError } from '../errors';
import { checkExpansion, checkFinite, gunzipAtLeast, gunzipExactly, isGzip, MAX_GZIP_RATIO, printable, readRegular } from './io';
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
  /** The rows (first axis) the file holds, when `limit` read fewer. */
  fileRows?: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Largest .npy header read: NumPy writes a few hundred bytes for the arrays vaekit reads. */
export const MAX_NPY_HEADER = 1 << 20;
/** Most axes a shape may have (NumPy's own limit is 64). */
const MAX_NPY_RANK = 64;

interface NpyHeader {
  descr: string;
  shape: number[];
  kind: string;
  size: number;
  little: boolean;
  major: number;
  minor: number;
  /** Offset of the data. */
  dataStart: number;
}

/** The length of the preamble and header, from the first 12 bytes; checks the magic and version. */
function preamble(buf: Uint8Array, name: string): { major: number; minor: number; start: number; headerLen: number } {
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
  if (headerLen > MAX_NPY_HEADER) {
    throw new DataError(`${name}: the .npy header claims ${headerLen} bytes; at most ${MAX_NPY_HEADER} are read`);
  }
  return { major, minor, start, headerLen };
}

function parseHeader(buf: Uint8Array, name: string): NpyHeader {
  const { major, minor, start, headerLen } = preamble(buf, name);
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
        : `${name}: cannot read the dtype from the .npy header ${shownHeader(header)}`,
    );
  }
  if (!fortranM || !shapeM) throw new DataError(`${name}: malformed .npy header ${shownHeader(header)}`);
  if (fortranM[1] === 'True') {
    throw new DataError(
      `${name}: the array is stored in Fortran (column-major) order, which is not supported; ` +
        'save it in C order, e.g. np.save(path, np.ascontiguousarray(a))',
    );
  }
  const dimsText = shapeM[1]
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '');
  if (dimsText.length > MAX_NPY_RANK || dimsText.some((d) => !/^\d{1,16}$/.test(d))) {
    throw new DataError(`${name}: bad shape (${shownText(shapeM[1])}) in the .npy header`);
  }
  const shape = dimsText.map(Number);

  const descr = descrM[1];
  const dt = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const supported = ['f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1'];
  if (!dt || !supported.includes(dt[2] + dt[3])) {
    throw new DataError(
      `${name}: dtype '${shownText(descr)}' is not supported (expected one of <f4, <f8, |u1, |i1, <i2, <u2, <i4, <u4, <i8, <u8, |b1)`,
    );
  }
  return { descr, shape, kind: dt[2], size: Number(dt[3]), little: dt[1] !== '>', major, minor, dataStart: start + headerLen };
}

function shownText(s: string): string {
  return printable(s.length > 200 ? s.slice(0, 200) + '…' : s);
}

function shownHeader(header: string): string {
  const h = header.trim();
  return printable(JSON.stringify(h.length > 200 ? h.slice(0, 200) + '…' : h));
}

/** Values per row (the product of the axes after the first) and the rows read. */
function extent(h: NpyHeader, limit: number | undefined): { rows: number; perRow: number; total: number } {
  const fileRows = h.shape.length ? h.shape[0] : 1;
  const perRow = h.shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = limit === undefined ? fileRows : Math.min(fileRows, Math.max(0, limit));
  return { rows, perRow, total: fileRows * perRow };
}

function describeSize(h: NpyHeader, bytes: number): string {
  return `shape (${h.shape.join(', ')}) of ${h.descr} needs ${bytes} bytes`;
}

/** The array from its header and data bytes (at least the rows read). */
function finish(h: NpyHeader, data: Uint8Array, rows: number, perRow: number, fileRows: number, name: string): NpyArray {
  const count = rows * perRow;
  const bytes = new Uint8Array(count * h.size); // a fresh, aligned copy
  bytes.set(data.subarray(0, count * h.size));
  const shape = h.shape.length ? [rows, ...h.shape.slice(1)] : [];
  const values = decode(h.kind, h.size, h.little, bytes, count);
  if (values instanceof Float32Array || values instanceof Float64Array) {
    if (h.kind === 'f') checkFinite(values, shape.length ? shape : [1], name);
  }
  const out: NpyArray = { descr: h.descr, shape, data: values, version: [h.major, h.minor] };
  if (shape.length && rows !== fileRows) out.fileRows = fileRows;
  return out;
}

/**
 * Parses a .npy file held in memory (format versions 1, 2 and 3; gzip-compressed is fine).
 * Supports little- and big-endian f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1, C order.
 * `limit` keeps only the first rows (the first axis); a gzip stream is then only decompressed
 * that far. A malformed file is a DataError naming `name`: a header longer than 1 MiB, a shape
 * that does not match the data's length, or a float value that is NaN, infinite or beyond the
 * 32-bit float range.
 */
export function parseNpy(buf: Uint8Array, name = '.npy data', options: { limit?: number } = {}): NpyArray {
  if (isGzip(buf)) return parseGzippedNpy(buf, name, options.limit);
  const h = parseHeader(buf, name);
  const { rows, perRow, total } = extent(h, options.limit);
  const needed = total * h.size;
  const have = buf.length - h.dataStart;
  if (have < needed) throw new DataError(`${name}: .npy data is truncated: ${describeSize(h, needed)}, found ${have}`);
  if (have > needed) throw new DataError(`${name}: .npy file does not match its header: ${describeSize(h, needed)}, found ${have}`);
  return finish(h, buf.subarray(h.dataStart), rows, perRow, h.shape.length ? h.shape[0] : 1, name);
}

function parseGzippedNpy(gz: Uint8Array, name: string, limit: number | undefined): NpyArray {
  let head = gunzipAtLeast(gz, 12, name);
  const p = preamble(head, name);
  if (head.length < p.start + p.headerLen) head = gunzipAtLeast(gz, p.start + p.headerLen, name);
  const h = parseHeader(head, name);
  const { rows, perRow, total } = extent(h, limit);
  const fileRows = h.shape.length ? h.shape[0] : 1;
  const expected = h.dataStart + total * h.size;
  if (expected > gz.length * MAX_GZIP_RATIO + 1024) {
    throw new DataError(`${name}: ${describeSize(h, total * h.size)}, more than a gzip file of ${gz.length} bytes can hold`);
  }
  const wanted = h.dataStart + rows * perRow * h.size;
  checkExpansion(wanted, gz.length, name, `reading ${rows} of ${fileRows} rows of shape (${h.shape.join(', ')}) would decompress`);
  let buf: Buffer;
  if (rows === fileRows) {
    buf = gunzipExactly(gz, expected, name, `its .npy header declares (${describeSize(h, total * h.size)})`);
  } else {
    const needed = h.dataStart + rows * perRow * h.size;
    buf = head.length >= needed ? head : gunzipAtLeast(gz, needed, name);
  }
  const needed = h.dataStart + rows * perRow * h.size;
  if (buf.length < needed) {
    throw new DataError(`${name}: .npy data is truncated: ${describeSize(h, total * h.size)}, found ${buf.length - h.dataStart}`);
  }
  return finish(h, buf.subarray(h.dataStart), rows, perRow, fileRows, name);
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

/** Reads a .npy file (see parseNpy); it must be a regular file. `limit` keeps only the first rows. */
export function readNpy(file: string, options: { limit?: number } = {}): NpyArray {
  return parseNpy(readRegular(file), file, options);
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
