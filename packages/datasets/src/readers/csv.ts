import { ConfigError, DataError } from '../errors';
import { readBytes } from '../util';

export interface CsvReadOptions {
  /** Cell separator; default ','. 'tab' is accepted for '\t'. */
  delimiter?: string;
  /** Whether the first line is a header; 'auto' (default): yes if any of its cells is not a number. */
  header?: boolean | 'auto';
  /** Column holding integer class labels: a header name or a 0-based index (negative counts from the end). */
  labelColumn?: string | number;
  /** How the file is named in messages; default the file path. */
  name?: string;
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

/** Reads a CSV file of numbers (see parseCsv). */
export function readCsv(file: string, options: CsvReadOptions = {}): CsvTable {
  return parseCsv(readBytes(file).toString('utf8'), { ...options, name: options.name ?? file });
}

function unquote(s: string): string {
  return s.length >= 2 && ((s[0] === '"' && s[s.length - 1] === '"') || (s[0] === "'" && s[s.length - 1] === "'"))
    ? s.slice(1, -1).trim()
    : s;
}

function numberOf(cell: string): number {
  let v = Number(cell);
  if (Number.isNaN(v)) v = Number(unquote(cell.trim()));
  if (!Number.isFinite(v)) return NaN;
  if (v === 0 && unquote(cell.trim()) === '') return NaN; // Number('') is 0
  return v;
}

function shown(cell: string): string {
  const c = cell.trim();
  return c.length > 40 ? c.slice(0, 40) + '…' : c;
}

/**
 * Parses CSV text of numbers. Blank lines are skipped; quoted cells ("3") are unquoted, but
 * delimiters inside quotes are not supported. A malformed file is a DataError naming the file and
 * the 1-based line (and column) number: `data.csv line 17: expected 785 columns, found 784`,
 * `data.csv line 3, column 5: 'abc' is not a number`; options that do not fit the file
 * (labelColumn, delimiter) are ConfigErrors.
 */
export function parseCsv(text: string, options: CsvReadOptions = {}): CsvTable {
  const name = options.name ?? 'CSV';
  const delim = options.delimiter === 'tab' ? '\t' : (options.delimiter ?? ',');
  if (delim === '') throw new ConfigError(`${name}: the delimiter must not be empty`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');

  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (i === lines.length) throw new DataError(`${name}: the file is empty`);
  const firstLine = i + 1;
  const first = lines[i].replace(/\r$/, '').split(delim);
  const ncols = first.length;

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
  else header = first.some((c, j) => j !== labelCol && Number.isNaN(numberOf(c)));
  if (typeof label === 'string' && !header) {
    throw new ConfigError(`${name}: labelColumn '${label}' is a column name, but the file has no header; give a 0-based index`);
  }

  let columns: string[] | undefined;
  if (header) {
    columns = first.map((c) => unquote(c.trim()));
    if (typeof label === 'string') {
      labelCol = columns.indexOf(label);
      if (labelCol < 0) {
        const list = columns.length > 12 ? columns.slice(0, 12).join(', ') + ', …' : columns.join(', ');
        throw new ConfigError(`${name} line ${firstLine}: no column named '${label}' for labelColumn (columns: ${list})`);
      }
    }
    i++;
  }

  const featureColumns: number[] = [];
  for (let j = 0; j < ncols; j++) if (j !== labelCol) featureColumns.push(j);
  const dim = featureColumns.length;
  if (dim === 0) throw new ConfigError(`${name}: no feature columns (the only column is the label column)`);

  // Growable storage: the number of rows is known only at the end.
  let cap = Math.max(16, Math.min(lines.length - i, 1 << 20));
  let x = new Float32Array(cap * dim);
  let labels = labelCol !== undefined ? new Int32Array(cap) : undefined;
  let n = 0;
  for (; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const cells = line.split(delim);
    const lineNo = i + 1;
    if (cells.length !== ncols) {
      throw new DataError(`${name} line ${lineNo}: expected ${ncols} columns, found ${cells.length}`);
    }
    if (n === cap) {
      cap *= 2;
      const nx = new Float32Array(cap * dim);
      nx.set(x);
      x = nx;
      if (labels) {
        const nl = new Int32Array(cap);
        nl.set(labels);
        labels = nl;
      }
    }
    let k = n * dim;
    for (let j = 0; j < ncols; j++) {
      const v = numberOf(cells[j]);
      if (j === labelCol) {
        if (!Number.isInteger(v)) {
          throw new DataError(`${name} line ${lineNo}, column ${j + 1}: label '${shown(cells[j])}' is not a whole number`);
        }
        labels![n] = v;
        continue;
      }
      if (Number.isNaN(v)) {
        throw new DataError(
          cells[j].trim() === ''
            ? `${name} line ${lineNo}, column ${j + 1}: empty cell, expected a number`
            : `${name} line ${lineNo}, column ${j + 1}: '${shown(cells[j])}' is not a number`,
        );
      }
      x[k++] = v;
    }
    n++;
  }
  if (n === 0) throw new DataError(`${name}: no data rows${header ? ' after the header' : ''}`);
  const table: CsvTable = { featureColumns, x: x.slice(0, n * dim), n, dim };
  if (columns) table.columns = columns;
  if (labelCol !== undefined) {
    table.labelColumn = labelCol;
    table.labels = labels!.slice(0, n);
  }
  return table;
}
