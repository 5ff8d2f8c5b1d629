import * as fs from 'fs';
import * as path from 'path';
import { DataError } from '../errors';
import { checkExpansion, checkFinite, gunzipAtLeast, gunzipExactly, isGzip, MAX_GZIP_RATIO, openRegular, readAt } from './io';

/** IDX element types (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"). */
export type IdxType = 'ubyte' | 'sbyte' | 'short' | 'int' | 'float' | 'double';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  /** Dimensions of `data`; dims[0] is the number of items read (≤ fileCount when limited). */
  dims: number[];
  /** Number of items (dims[0]) the file holds. */
  fileCount: number;
  /** The values in row-major order, in native byte order. */
  data: IdxData;
}

const CODES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'ubyte', bytes: 1 },
  0x09: { type: 'sbyte', bytes: 1 },
  0x0b: { type: 'short', bytes: 2 },
  0x0c: { type: 'int', bytes: 4 },
  0x0d: { type: 'float', bytes: 4 },
  0x0e: { type: 'double', bytes: 8 },
};
const TYPE_CODE: Record<IdxType, number> = { ubyte: 0x08, sbyte: 0x09, short: 0x0b, int: 0x0c, float: 0x0d, double: 0x0e };

interface Header {
  type: IdxType;
  bytes: number;
  dims: number[];
  headerBytes: number;
}

function parseHeader(head: Uint8Array, name: string): Header {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) throw new DataError(`${name}: is gzip-compressed`);
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || !CODES[head[2]] || head[3] === 0) {
    const magic = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataError(`${name}: not an IDX file (magic number ${magic || 'missing'}; expected 00 00 <type> <rank>)`);
  }
  const rank = head[3];
  const headerBytes = 4 + 4 * rank;
  if (head.length < headerBytes) throw new DataError(`${name}: IDX header is truncated`);
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(dv.getUint32(4 + 4 * i, false));
  return { ...CODES[head[2]], dims, headerBytes };
}

function decode(type: IdxType, bytes: Uint8Array, count: number): IdxData {
  switch (type) {
    case 'ubyte':
      return Uint8Array.from(bytes.subarray(0, count));
    case 'sbyte':
      return new Int8Array(Uint8Array.from(bytes.subarray(0, count)).buffer);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 'short': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getInt16(2 * i, false);
      return out;
    }
    case 'int': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getInt32(4 * i, false);
      return out;
    }
    case 'float': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, false);
      return out;
    }
    default: {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat64(8 * i, false);
      return out;
    }
  }
}

function itemsOf(h: Header, limit: number | undefined) {
  const fileCount = h.dims[0];
  const count = limit === undefined ? fileCount : Math.max(0, Math.min(limit, fileCount));
  const perItem = h.dims.slice(1).reduce((a, b) => a * b, 1);
  return {
    fileCount,
    count,
    perItem,
    expected: h.headerBytes + fileCount * perItem * h.bytes,
    needed: h.headerBytes + count * perItem * h.bytes,
  };
}

function truncated(name: string, h: Header, expected: number, actual: number): DataError {
  return new DataError(
    `${name}: IDX file is truncated: its header says [${h.dims.join(', ')}] ${h.type} (${expected} bytes) but it has ${actual} bytes`,
  );
}

function tooLong(name: string, h: Header, expected: number, actual: number): DataError {
  return new DataError(
    `${name}: IDX file does not match its header: [${h.dims.join(', ')}] ${h.type} is ${expected} bytes but the file has ${actual}`,
  );
}

/** The values of the items read, checked to be finite for float and double data. */
function values(h: Header, body: Uint8Array, count: number, perItem: number, name: string): IdxData {
  const data = decode(h.type, body, count * perItem);
  if (data instanceof Float32Array || data instanceof Float64Array) checkFinite(data, [count, ...h.dims.slice(1)], name);
  return data;
}

/**
 * The IDX data in a gzip stream, decompressing only what the header and `limit` need: at most
 * about 1 MiB more than that, whatever the stream expands to. Without a limit the stream must
 * hold exactly what the header declares.
 */
function parseGzippedIdx(gz: Uint8Array, limit: number | undefined, name: string): IdxArray {
  const head = gunzipAtLeast(gz, 4 + 4 * 255, name);
  const h = parseHeader(head, name);
  const { fileCount, count, perItem, expected, needed } = itemsOf(h, limit);
  const most = gz.length * MAX_GZIP_RATIO + 1024;
  if (expected > most) {
    throw new DataError(
      `${name}: IDX header declares [${h.dims.join(', ')}] ${h.type} (${expected} bytes), more than a gzip file of ${gz.length} bytes can hold`,
    );
  }
  checkExpansion(needed, gz.length, name, `reading [${[count, ...h.dims.slice(1)].join(', ')}] ${h.type} would decompress`);
  let buf: Buffer;
  if (limit === undefined || count === fileCount) {
    buf = gunzipExactly(gz, expected, name, `its IDX header declares ([${h.dims.join(', ')}] ${h.type})`);
    if (buf.length < expected) throw truncated(name, h, expected, buf.length);
  } else {
    buf = head.length >= needed ? head : gunzipAtLeast(gz, needed, name);
    if (buf.length < needed) throw truncated(name, h, expected, buf.length);
  }
  const body = buf.subarray(h.headerBytes, needed);
  return { type: h.type, dims: [count, ...h.dims.slice(1)], fileCount, data: values(h, body, count, perItem, name) };
}

/**
 * Parses an IDX file held in memory (gzip-compressed is fine). `limit` keeps only the first items.
 * A malformed file is a DataError naming `name`: a header that does not match the data's length,
 * or a float or double value that is NaN, infinite or beyond the 32-bit float range.
 */
export function parseIdx(buf: Uint8Array, options: { limit?: number; name?: string } = {}): IdxArray {
  const name = options.name ?? 'IDX data';
  if (isGzip(buf)) return parseGzippedIdx(buf, options.limit, name);
  const h = parseHeader(buf.subarray(0, Math.min(buf.length, 4 + 4 * 255)), name);
  const { fileCount, count, perItem, expected, needed } = itemsOf(h, options.limit);
  if (buf.length < expected) throw truncated(name, h, expected, buf.length);
  if (buf.length > expected) throw tooLong(name, h, expected, buf.length);
  const body = buf.subarray(h.headerBytes, needed);
  return { type: h.type, dims: [count, ...h.dims.slice(1)], fileCount, data: values(h, body, count, perItem, name) };
}

/**
 * Reads an IDX file (any element type, any rank, big-endian as the format says; `.gz` files are
 * decompressed). With `limit`, only the first `limit` items are read from disk (or decompressed).
 * The file must be a regular file whose length matches its header.
 */
export function readIdx(file: string, options: { limit?: number } = {}): IdxArray {
  const { fd, size } = openRegular(file);
  try {
    const head = readAt(fd, Math.min(size, 4 + 4 * 255), 0);
    if (isGzip(head)) return parseGzippedIdx(readAt(fd, size, 0), options.limit, file);
    const h = parseHeader(head, file);
    const { fileCount, count, perItem, expected, needed } = itemsOf(h, options.limit);
    if (size < expected) throw truncated(file, h, expected, size);
    if (size > expected) throw tooLong(file, h, expected, size);
    const body = readAt(fd, needed - h.headerBytes, h.headerBytes);
    if (body.length < needed - h.headerBytes) throw truncated(file, h, expected, h.headerBytes + body.length);
    return { type: h.type, dims: [count, ...h.dims.slice(1)], fileCount, data: values(h, body, count, perItem, file) };
  } finally {
    fs.closeSync(fd);
  }
}

function typeOf(data: ArrayLike<number>): IdxType {
  if (data instanceof Uint8Array) return 'ubyte';
  if (data instanceof Int8Array) return 'sbyte';
  if (data instanceof Int16Array) return 'short';
  if (data instanceof Int32Array) return 'int';
  if (data instanceof Float64Array) return 'double';
  return 'float';
}

/**
 * Encodes values as an IDX file. The element type defaults from the array: Uint8Array → ubyte,
 * Int8Array → sbyte, Int16Array → short, Int32Array → int, Float64Array → double, else float.
 */
export function encodeIdx(data: ArrayLike<number>, dims: number[], type: IdxType = typeOf(data)): Buffer {
  const count = dims.reduce((a, b) => a * b, 1);
  if (dims.length < 1 || dims.length > 255) throw new RangeError(`IDX rank must be 1..255, got ${dims.length}`);
  if (count !== data.length) throw new RangeError(`dims [${dims.join(', ')}] hold ${count} values but data has ${data.length}`);
  const bytes = CODES[TYPE_CODE[type]].bytes;
  const headerBytes = 4 + 4 * dims.length;
  const buf = Buffer.alloc(headerBytes + count * bytes);
  buf[2] = TYPE_CODE[type];
  buf[3] = dims.length;
  dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
  const dv = new DataView(buf.buffer, buf.byteOffset + headerBytes, count * bytes);
  for (let i = 0; i < count; i++) {
    const v = data[i];
    switch (type) {
      case 'ubyte':
        dv.setUint8(i, v);
        break;
      case 'sbyte':
        dv.setInt8(i, v);
        break;
      case 'short':
        dv.setInt16(2 * i, v, false);
        break;
      case 'int':
        dv.setInt32(4 * i, v, false);
        break;
      case 'float':
        dv.setFloat32(4 * i, v, false);
        break;
      case 'double':
        dv.setFloat64(8 * i, v, false);
        break;
    }
  }
  return buf;
}

/** Writes an IDX file (see encodeIdx), creating the folder if needed. */
export function writeIdx(file: string, data: ArrayLike<number>, dims: number[], type?: IdxType): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodeIdx(data, dims, type));
}
