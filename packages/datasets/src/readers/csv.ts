import * as fs from 'fs';
import { ConfigError, DataError } from '../errors';
import { openRegular, printable } from './io';

export interface CsvReadOptions {
  /** Cell separator; default ','. 'tab' is accepted for '\t'. */
  delimiter?: string;
  /** Whether the first line is a header; 'auto' (default): yes if any of its cells is not a number. */
  header?: boolean | 'auto';
  /** Column holding integer class labels: a header name or a 0-based index (negative counts from the end). */
  labelColumn?: string | number;
  /** How the file is named in messages; default the file path. */
  name?: string;
  /** Longest line accepted, in bytes (characters for parseCsv); default 8 MiB. */
  maxLineBytes?: number;
}

export interface CsvTable {
  /** Header cells (all columns), when there is a header. */
  columns?: string[];
  /** 0-based indices of the feature columns, in order. */
  featureColumns: number[];
  /** 0-based index of the label column, if any. */
  labelColumn?: number;
  /** Features, row-major [n, dim]. */
  x: Float32Array;
  n: number;
  dim: number;
  labels?: Int32Array;
}

/** Default cap on the length of one line: far above any real row, far below the memory it would take to hold a runaway one. */
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
/** Bytes read from the file at a time. */
const CHUNK = 1 << 20;

/**
 * Reads a CSV file of numbers (see parseCsv), streaming it in chunks: memory stays in proportion
 * to the rows read, and a line longer than `maxLineBytes` (a file without newlines, such as a
 * binary file) stops the read with a located DataError. It must be a regular file.
 */
export function readCsv(file: string, options: CsvReadOptions = {}): CsvTable {
  const p = new CsvParser({ ...options, name: options.name ?? file });
  const max = p.maxLineBytes;
  const { fd, size } = openRegular(file);
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let pos = 0;
    let lineNo = 0;
    const tooLong = () => new DataError(`${p.name} line ${lineNo + 1}: ${lineTooLong(max)}`);
    while (pos < size) {
      const got = fs.readSync(fd, chunk, 0, Math.min(CHUNK, size - pos), pos);
      if (got <= 0) break;
      pos += got;
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl < 0 || nl >= got) break;
        if (pendingBytes + nl - start > max) throw tooLong();
        const piece = chunk.subarray(start, nl);
        const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        p.line(bytes.toString('utf8'), ++lineNo);
        start = nl + 1;
      }
      if (start < got) {
        if (pendingBytes + got - start > max) throw tooLong();
        pending.push(Buffer.from(chunk.subarray(start, got)));
        pendingBytes += got - start;
      }
    }
    if (pendingBytes) p.line(Buffer.concat(pending).toString('utf8'), ++lineNo);
    return p.finish();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** The message for a line longer than `max` bytes. */
export function lineTooLong(max: number): string {
  const mib = max / (1024 * 1024);
  const shown = mib >= 1 ? `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB` : `${max} bytes`;
  return `a line longer than ${shown} (${max} bytes); is this a text file of numbers, one example per line? (raise maxLineBytes for wider rows)`;
}

function unquote(s: string): string {
  return s.length >= 2 && ((s[0] === '"' && s[s.length - 1] === '"') || (s[0] === "'" && s[s.length - 1] === "'"))
    ? trimBlanks(s.slice(1, -1))
    : s;
}

/** Removes spaces and tabs around a cell (other characters, including other whitespace, stay). */
function trimBlanks(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** A decimal number as written in data files: 12, -0.5, .5, 5., 1e-3, +7 (no hex, no Infinity, no NaN, no '_'). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Largest finite 32-bit float: values are stored as Float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A cell's text without the spaces, tabs and quotes around it. */
function cellText(cell: string): string {
  return unquote(trimBlanks(cell));
}

/**
 * Parses one cell strictly: a finite decimal number within the 32-bit float range, else the
 * reason it is not one ('empty cell, expected a number', "'0x10' is not a decimal number", ...).
 * Spaces, tabs and quotes around the number are allowed.
 */
export function parseDecimal(cell: string): number | { problem: string } {
  const c = cellText(cell);
  if (c === '') return { problem: 'empty cell, expected a number' };
  const q = `'${printable(c.length > 40 ? c.slice(0, 40) + '…' : c)}'`;
  if (!DECIMAL.test(c)) {
    if (/^[+-]?(?:inf|infinity|nan)$/i.test(c)) return { problem: `${q} is not a finite number` };
    const loose = Number(c);
    if (Number.isFinite(loose)) return { problem: `${q} is not a decimal number` };
    return { problem: `${q} is not a number` };
  }
  const v = Number(c);
  if (!(Math.abs(v) <= FLOAT32_MAX)) return { problem: `${q} is out of range (data values are 32-bit floats, up to ±3.4e38)` };
  return v;
}

/** Whether a header cell would be a number to a lenient reader: such a first line is data, and is parsed strictly. */
export function looksNumeric(cell: string): boolean {
  const c = cellText(cell);
  if (c === '') return false;
  return !Number.isNaN(Number(c)) || /^[+-]?(?:inf|infinity|nan)$/i.test(c);
}

function shown(cell: string): string {
  const c = cell.trim();
  return printable(c.length > 40 ? c.slice(0, 40) + '…' : c);
}

/**
 * Parses CSV text of numbers. Blank lines are skipped; quoted cells ("3") are unquoted, but
 * delimiters inside quotes are not supported. Cells are decimal numbers (spaces or tabs around
 * them are fine); anything else, such as 0x10, 1_000, Infinity, NaN or 1e999, is refused. A
 * malformed file is a DataError naming the file and the 1-based line (and column) number:
 * `data.csv line 17: expected 785 columns, found 784`, `data.csv line 3, column 5: 'abc' is not
 * a number`; options that do not fit the file (labelColumn, delimiter) are ConfigErrors.
 */
export function parseCsv(text: string, options: CsvReadOptions = {}): CsvTable {
  const p = new CsvParser(options);
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    lineNo++;
    if (nl - start > p.maxLineBytes) throw new DataError(`${p.name} line ${lineNo}: ${lineTooLong(p.maxLineBytes)}`);
    p.line(text.slice(start, nl), lineNo);
    start = nl + 1;
  }
  return p.finish();
}

/** The CSV parser, fed one line at a time. */
class CsvParser {
  readonly name: string;
  readonly maxLineBytes: number;
  private readonly delim: string;
  private readonly options: CsvReadOptions;
  private started = false;
  private header = false;
  private ncols = 0;
  private labelCol: number | undefined;
  private columns: string[] | undefined;
  private featureColumns: number[] = [];
  private dim = 0;
  private cap = 1024;
  private x = new Float32Array(0);
  private labels: Int32Array | undefined;
  private n = 0;

  constructor(options: CsvReadOptions) {
    this.options = options;
    this.name = options.name ?? 'CSV';
    this.delim = options.delimiter === 'tab' ? '\t' : (options.delimiter ?? ',');
    if (this.delim === '') throw new ConfigError(`${this.name}: the delimiter must not be empty`);
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(max) || max < 1) throw new ConfigError(`${this.name}: maxLineBytes must be a whole number ≥ 1, got ${max}`);
    this.maxLineBytes = max;
  }

  line(line: string, lineNo: number): void {
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') return;
    if (!this.started) {
      this.started = true;
      if (this.first(line, lineNo)) return;
    }
    this.row(line, lineNo);
  }

  /** Sets up the columns from the first non-blank line; true when it is a header. */
  private first(line: string, lineNo: number): boolean {
    const { name, options } = this;
    const first = line.split(this.delim);
    const ncols = first.length;
    this.ncols = ncols;
    // Which column holds labels (a name needs the header, so resolve it after deciding on one).
    const label = options.labelColumn;
    let labelCol: number | undefined;
    if (typeof label === 'number') {
      if (!Number.isInteger(label) || label >= ncols || label < -ncols) {
        throw new ConfigError(`${name}: labelColumn ${label} is out of range: the file has ${ncols} columns (0..${ncols - 1})`);
      }
      labelCol = label < 0 ? ncols + label : label;
    }
    let header: boolean;
    if (options.header === true || options.header === false) header = options.header;
    else if (typeof label === 'string') header = true;
    else header = first.some((c, j) => j !== labelCol && !looksNumeric(c));
    if (typeof label === 'string' && !header) {
      throw new ConfigError(`${name}: labelColumn '${printable(label)}' is a column name, but the file has no header; give a 0-based index`);
    }
    if (header) {
      this.columns = first.map((c) => unquote(c.trim()));
      if (typeof label === 'string') {
        labelCol = this.columns.indexOf(label);
        if (labelCol < 0) {
          const cols = this.columns;
          const list = printable(cols.length > 12 ? cols.slice(0, 12).join(', ') + ', …' : cols.join(', ')).slice(0, 500);
          throw new ConfigError(`${name} line ${lineNo}: no column named '${printable(label)}' for labelColumn (columns: ${list})`);
        }
      }
    }
    this.header = header;
    this.labelCol = labelCol;
    for (let j = 0; j < ncols; j++) if (j !== labelCol) this.featureColumns.push(j);
    this.dim = this.featureColumns.length;
    if (this.dim === 0) throw new ConfigError(`${name}: no feature columns (the only column is the label column)`);
    this.cap = Math.max(1, Math.min(1024, Math.floor((1 << 20) / this.dim)));
    this.x = new Float32Array(this.cap * this.dim);
    if (labelCol !== undefined) this.labels = new Int32Array(this.cap);
    return header;
  }

  private row(line: string, lineNo: number): void {
    const { name, ncols, labelCol } = this;
    const cells = line.split(this.delim);
    if (cells.length !== ncols) {
      throw new DataError(`${name} line ${lineNo}: expected ${ncols} columns, found ${cells.length}`);
    }
    if (this.n === this.cap) this.grow();
    let k = this.n * this.dim;
    for (let j = 0; j < ncols; j++) {
      const v = parseDecimal(cells[j]);
      if (j === labelCol) {
        if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 0x7fffffff) {
          throw new DataError(`${name} line ${lineNo}, column ${j + 1}: label '${shown(cells[j])}' is not a whole number`);
        }
        this.labels![this.n] = v;
        continue;
      }
      if (typeof v !== 'number') throw new DataError(`${name} line ${lineNo}, column ${j + 1}: ${v.problem}`);
      this.x[k++] = v;
    }
    this.n++;
  }

  private grow(): void {
    this.cap *= 2;
    const nx = new Float32Array(this.cap * this.dim);
    nx.set(this.x);
    this.x = nx;
    if (this.labels) {
      const nl = new Int32Array(this.cap);
      nl.set(this.labels);
      this.labels = nl;
    }
  }

  finish(): CsvTable {
    const { name, n, dim } = this;
    if (!this.started) throw new DataError(`${name}: the file is empty`);
    if (n === 0) throw new DataError(`${name}: no data rows${this.header ? ' after the header' : ''}`);
    const table: CsvTable = { featureColumns: this.featureColumns, x: this.x.slice(0, n * dim), n, dim };
    if (this.columns) table.columns = this.columns;
    if (this.labelCol !== undefined) {
      table.labelColumn = this.labelCol;
      table.labels = this.labels!.slice(0, n);
    }
    return table;
  }
}
