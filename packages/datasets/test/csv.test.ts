import * as fs from 'fs';
import * as path from 'path';
import { csv, parseCsv } from '../src';
import { thrown, tmpDir } from './helpers';
import { ConfigError, DataError } from '../src/errors';

const dir = tmpDir();
const ctx = { path: 'data', baseDir: dir };
const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

describe('csv plugin', () => {
  it('detects a header, takes a label column by name and holds out test/validation from the end', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${2 * i}`);
    write('named.csv', ['a,label,b', ...rows].join('\n') + '\n');
    const ds = csv.create({ path: 'named.csv', labelColumn: 'label', validation: 4 }, ctx);
    expect(ds.info.shape).toEqual([2]);
    expect([ds.train.n, ds.validation.n, ds.test.n]).toEqual([14, 4, 2]);
    expect(Array.from(ds.train.x.subarray(0, 4))).toEqual([0, 0, 1, 2]);
    expect(Array.from(ds.train.labels!.subarray(0, 4))).toEqual([0, 1, 2, 0]);
    expect(Array.from(ds.test.x)).toEqual([18, 36, 19, 38]);
    expect(Array.from(ds.test.labels!)).toEqual([0, 1]);
    expect(ds.info.min).toBe(0);
    expect(ds.info.max).toBe(26);
    expect(ds.binarize).toBe('none');
  });

  it('reads headerless files with a label column by index, CRLF, blank lines and other delimiters', () => {
    write('plain.csv', '1;2;7\r\n\r\n3;4;8\r\n5;6;9\r\n');
    const ds = csv.create({ path: 'plain.csv', delimiter: ';', labelColumn: -1, testFraction: 0 }, ctx);
    expect(ds.train.n).toBe(3);
    expect(ds.test.n).toBe(0);
    expect(Array.from(ds.train.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(ds.train.labels!)).toEqual([7, 8, 9]);
    const t = parseCsv('"x","y"\n1,2\n', { name: 'q.csv' });
    expect(t.columns).toEqual(['x', 'y']);
    expect(t.n).toBe(1);
    expect(parseCsv('1,2\n3,4', { header: true }).n).toBe(1);
  });

  it('scales each column to [0, 1] on train with minmax and applies it to all splits', () => {
    // 10 rows: col0 = 0..9 (train rows 0..7 → range [0, 7]), col1 constant
    const rows = Array.from({ length: 10 }, (_, i) => `${i},5`);
    write('mm.csv', rows.join('\n'));
    const ds = csv.create({ path: 'mm.csv', scale: 'minmax', testFraction: 0.2 }, ctx);
    expect(ds.train.n).toBe(8);
    expect(ds.info.min).toBe(0);
    expect(ds.info.max).toBe(1);
    expect(ds.train.x[2 * 7]).toBe(1);
    expect(ds.train.x[2 * 3]).toBeCloseTo(3 / 7, 6);
    expect(ds.train.x[1]).toBe(0); // constant column
    expect(ds.test.x[0]).toBeCloseTo(8 / 7, 6); // test uses train's range
    const bin = csv.create({ path: 'mm.csv', scale: 'minmax', binarize: 'static', seed: 1 }, ctx);
    expect(bin.train.x.every((v) => v === 0 || v === 1)).toBe(true);
    expect(thrown(() => csv.create({ path: 'mm.csv', binarize: 'dynamic' }, ctx)).message).toMatch(/^data\.binarize: /);
  });

  it('names the file and the 1-based line on a wrong column count', () => {
    const lines = ['p0,p1,p2,label'];
    for (let i = 2; i <= 20; i++) lines.push(i === 17 ? '1,2,3' : '1,2,3,4');
    write('data.csv', lines.join('\n'));
    const e = thrown(() => csv.create({ path: 'data.csv' }, ctx));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain('data.csv line 17: expected 4 columns, found 3');
    expect(e.path).toBe('data.path');
  });

  it('counts blank lines in line numbers', () => {
    write('gap.csv', '1,2\n\n\n3,4,5\n');
    expect(thrown(() => csv.create({ path: 'gap.csv' }, ctx)).message).toContain('gap.csv line 4: expected 2 columns, found 3');
  });

  it('names the line and column of a cell that is not a number', () => {
    write('bad.csv', 'a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,abc\n');
    const e = thrown(() => csv.create({ path: 'bad.csv' }, ctx));
    expect(e.message).toBe("data.path: bad.csv line 3, column 5: 'abc' is not a number");
    write('empty-cell.csv', '1,2\n3,\n');
    expect(thrown(() => csv.create({ path: 'empty-cell.csv' }, ctx)).message).toContain(
      'empty-cell.csv line 2, column 2: empty cell, expected a number',
    );
    write('badlabel.csv', 'x,y\n1,2\n1,2.5\n');
    expect(thrown(() => csv.create({ path: 'badlabel.csv', labelColumn: 'y' }, ctx)).message).toContain(
      "badlabel.csv line 3, column 2: label '2.5' is not a whole number",
    );
  });

  it('reports empty files, missing files, missing columns and bad options', () => {
    write('empty.csv', '');
    expect(thrown(() => csv.create({ path: 'empty.csv' }, ctx)).message).toBe('data.path: empty.csv: the file is empty');
    write('blank.csv', '\n  \n');
    expect(thrown(() => csv.create({ path: 'blank.csv' }, ctx)).message).toContain('blank.csv: the file is empty');
    write('hdr.csv', 'a,b\n');
    expect(thrown(() => csv.create({ path: 'hdr.csv' }, ctx)).message).toContain('hdr.csv: no data rows after the header');
    const e = thrown(() => csv.create({ path: 'sub/none.csv' }, ctx));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(`data.path: file not found: ${path.join(dir, 'sub', 'none.csv')}`);
    expect(thrown(() => csv.create({ path: 'named.csv', labelColumn: 'digit' }, ctx)).message).toMatch(
      /named\.csv line 1: no column named 'digit'/,
    );
    expect(thrown(() => csv.create({ path: 'plain.csv', delimiter: ';', labelColumn: 3 }, ctx)).message).toMatch(
      /labelColumn 3 is out of range/,
    );
    expect(thrown(() => csv.create({ path: 'mm.csv', scale: 'zscore' } as any, ctx)).message).toMatch(/^data\.scale: must be /);
    expect(thrown(() => csv.create({ path: 'mm.csv', testFraction: 0.5, validation: 5 }, ctx)).message).toMatch(
      /^data\.validation: holding out 5 validation and 5 test rows of 10 leaves none to train on/,
    );
  });
});
