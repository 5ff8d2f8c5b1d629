import { ConfigError, isUserError, VaekitError } from '@vaekit/study';
import { DataError, parseCsv, parseIdx, parseNpy } from '../src';
import { atOption } from '../src/util';
import { thrown } from './helpers';

describe('DataError', () => {
  it('is what a malformed CSV, IDX or .npy file throws: a user error (exit code 2) naming the file', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => parseCsv('1,2\n3\n', { name: 'a.csv' }), /^a\.csv line 2: expected 2 columns, found 1$/],
      [() => parseCsv('1,2\n1,x\n', { name: 'a.csv' }), /^a\.csv line 2, column 2: 'x' is not a number$/],
      [() => parseCsv('\n\n', { name: 'a.csv' }), /^a\.csv: the file is empty$/],
      [() => parseIdx(new Uint8Array([1, 2, 3, 4]), { name: 'x.idx' }), /^x\.idx: not an IDX file/],
      [() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 9, 1]), { name: 'x.idx' }), /^x\.idx: IDX file is truncated/],
      [() => parseNpy(new Uint8Array([1, 2, 3]), 'x.npy'), /^x\.npy: not a \.npy file/],
    ];
    for (const [fn, message] of cases) {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(DataError);
      expect(e).toBeInstanceOf(VaekitError);
      expect(isUserError(e)).toBe(true);
      expect((e as DataError).exitCode).toBe(2);
      expect(e.name).toBe('DataError');
      expect(e.message).toMatch(message);
    }
  });

  it('stays a DataError when the option that named the file is added to the message', () => {
    const e = thrown(() => atOption('data.path', () => parseCsv('1,2\n3\n', { name: 'a.csv' })));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe('data.path: a.csv line 2: expected 2 columns, found 1');
    expect(e.path).toBe('data.path');
  });

  it('is not thrown for options that do not fit the file: those are ConfigErrors', () => {
    const e = thrown(() => parseCsv('1,2\n', { name: 'a.csv', labelColumn: 5 }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).not.toBeInstanceOf(DataError);
  });
});
