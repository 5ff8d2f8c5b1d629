import { failureOutcome, FAILURE_EXIT_CODE } from '../src/search/failures';
import type { FrozenTrial } from '@vaekit/study';

const trial = (number: number, state: string, error?: string, exitCode?: number) =>
  ({ number, state, params: {}, userAttrs: exitCode === undefined ? {} : { [FAILURE_EXIT_CODE]: exitCode }, intermediate: {}, error }) as unknown as FrozenTrial;

describe('failureOutcome', () => {
  it('nothing to say when no trial failed', () => {
    expect(failureOutcome([trial(0, 'COMPLETE'), trial(1, 'PRUNED')], 's.json')).toEqual({});
  });

  it('some failed: a note with how many, no error', () => {
    const o = failureOutcome([trial(0, 'COMPLETE'), trial(1, 'FAIL', 'x', 1), trial(2, 'FAIL', 'y', 2)], 's.json');
    expect(o.error).toBeUndefined();
    expect(o.note).toBe('2 of 3 trials failed; their errors are in s.json');
  });

  it('all failed with one error (up to the trial folder): exit 2 when every one was the input\'s fault', () => {
    const o = failureOutcome([trial(1, 'FAIL', 'bad in out/s/trial-1/x\nmore', 2), trial(0, 'FAIL', 'bad in out/s/trial-0/x', 2)], 's.json');
    expect(o.error?.exitCode).toBe(2);
    expect(o.error?.message).toBe('search: every one of the 2 trials failed with the same error: bad in out/s/trial-0/x (no trial completed; the trials are in s.json)');
  });

  it('all failed with different errors, or any not the input\'s fault (or not recorded): exit 1, the first error quoted', () => {
    const o = failureOutcome([trial(0, 'FAIL', 'a', 2), trial(1, 'FAIL', 'b', 1), trial(2, 'FAIL', 'b')], 's.json');
    expect(o.error?.exitCode).toBe(1);
    expect(o.error?.message).toMatch(/^search: every one of the 3 trials failed, with 2 different errors, the first \(trial 0\): a /);
    expect(failureOutcome([trial(0, 'FAIL', 'a')], 's.json').error?.message).toBe('search: the only trial failed: a (the trial is in s.json)');
  });
});
