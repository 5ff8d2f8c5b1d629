import type { Direction, FrozenTrial, TrialState } from '../src/types';
import {
  createPruner,
  MedianPruner,
  nanPercentile,
  NopPruner,
  PercentilePruner,
  rungKey,
  SuccessiveHalvingPruner,
  type Pruner,
} from '../src/pruners';

function trial(number: number, state: TrialState, values: number[] | Record<number, number>, extra: Partial<FrozenTrial> = {}): FrozenTrial {
  const intermediate: Record<number, number> = Array.isArray(values) ? Object.fromEntries(values.map((v, s) => [s, v])) : values;
  return { number, state, params: {}, distributions: {}, intermediate, userAttrs: {}, systemAttrs: {}, ...extra };
}

/** Asks `pruner` about `current` at its last reported step, with `others` as the rest of the study. */
function ask(pruner: Pruner, others: FrozenTrial[], current: FrozenTrial, direction: Direction = 'minimize'): boolean {
  const step = Math.max(...Object.keys(current.intermediate).map(Number));
  return pruner.shouldPrune({ direction, trials: [...others, current], trial: current, step });
}

describe('NopPruner', () => {
  it('never prunes', () => {
    expect(new NopPruner().shouldPrune({ direction: 'minimize', trials: [], trial: trial(0, 'RUNNING', [1e9]), step: 0 })).toBe(false);
  });
});

describe('MedianPruner', () => {
  // Values at step 2: 6, 7, 9, 13, 5 → median 7.
  const completed = [
    trial(0, 'COMPLETE', [10, 8, 6, 4, 2]),
    trial(1, 'COMPLETE', [12, 9, 7, 5, 3]),
    trial(2, 'COMPLETE', [11, 10, 9, 8, 7]),
    trial(3, 'COMPLETE', [15, 14, 13, 12, 11]),
    trial(4, 'COMPLETE', [9, 7, 5, 3, 1]),
  ];
  const pruner = new MedianPruner();

  it('prunes a trial whose best value so far is worse than the median at this step', () => {
    expect(ask(pruner, completed, trial(5, 'RUNNING', [10, 9, 8]))).toBe(true);
    expect(ask(pruner, completed, trial(5, 'RUNNING', [10, 9, 6.9]))).toBe(false);
    // Optuna compares the trial's *best* intermediate value (6.5 at step 1), not the current one.
    expect(ask(pruner, completed, trial(5, 'RUNNING', [10, 6.5, 8]))).toBe(false);
    // Equal to the median: kept.
    expect(ask(pruner, completed, trial(5, 'RUNNING', [10, 9, 7]))).toBe(false);
  });

  it('maximises when asked', () => {
    expect(ask(pruner, completed, trial(5, 'RUNNING', [1, 2, 6]), 'maximize')).toBe(true);
    expect(ask(pruner, completed, trial(5, 'RUNNING', [1, 2, 8]), 'maximize')).toBe(false);
  });

  it('ignores PRUNED/RUNNING/FAIL trials and the trial itself', () => {
    const noise = [trial(6, 'PRUNED', [100, 100, 100]), trial(7, 'RUNNING', [100, 100, 100]), trial(8, 'FAIL', [100, 100, 100])];
    expect(ask(pruner, [...completed, ...noise], trial(5, 'RUNNING', [10, 9, 8]))).toBe(true);
  });

  it('waits for nStartupTrials COMPLETE trials and nWarmupSteps', () => {
    expect(ask(new MedianPruner({ nStartupTrials: 6 }), completed, trial(5, 'RUNNING', [10, 9, 8]))).toBe(false);
    expect(ask(new MedianPruner({ nWarmupSteps: 3 }), completed, trial(5, 'RUNNING', [10, 9, 8]))).toBe(false);
    expect(ask(new MedianPruner({ nWarmupSteps: 2 }), completed, trial(5, 'RUNNING', [10, 9, 8]))).toBe(true);
    expect(ask(pruner, [], trial(5, 'RUNNING', [10, 9, 8]))).toBe(false);
  });

  it('checks once per interval (the first report in each)', () => {
    const p = new MedianPruner({ intervalSteps: 2 });
    expect(ask(p, completed, trial(5, 'RUNNING', [10, 9, 8]))).toBe(true); // step 2: a check step
    expect(ask(p, completed, trial(5, 'RUNNING', [10, 9, 8, 20]))).toBe(false); // step 3: same interval as 2
    // Reports only at odd steps: the check of interval [2, 4) happens at step 3.
    expect(ask(p, completed, trial(5, 'RUNNING', { 1: 9, 3: 20 }))).toBe(true);
  });

  it('needs nMinTrials values at the step', () => {
    const sparse = completed.map((t, i) => (i < 2 ? t : trial(t.number, 'COMPLETE', [1, 1])));
    expect(ask(new MedianPruner({ nMinTrials: 3 }), sparse, trial(5, 'RUNNING', [10, 9, 8]))).toBe(false);
    expect(ask(new MedianPruner({ nMinTrials: 2 }), sparse, trial(5, 'RUNNING', [10, 9, 8]))).toBe(true); // median(6, 7) = 6.5
  });

  it('prunes a trial that reported only NaN', () => {
    expect(ask(pruner, completed, trial(5, 'RUNNING', [NaN, NaN, NaN]))).toBe(true);
  });

  it('PercentilePruner(25) keeps only the top quarter', () => {
    // Step 2 values 5, 6, 7, 9, 13: 25th percentile = 6.
    expect(ask(new PercentilePruner(25), completed, trial(5, 'RUNNING', [10, 9, 6.5]))).toBe(true);
    expect(ask(new PercentilePruner(25), completed, trial(5, 'RUNNING', [10, 9, 6]))).toBe(false);
    expect(nanPercentile([5, 6, 7, 9, 13, NaN], 50)).toBe(7);
    expect(nanPercentile([1, 2, 3, 4], 50)).toBe(2.5);
  });
});

describe('SuccessiveHalvingPruner (ASHA)', () => {
  // minResource 1, reductionFactor 3: rungs at steps 1, 3, 9.
  const others = [
    trial(0, 'COMPLETE', [5, 4, 3, 2]), // rung 0: 4, rung 1: 2
    trial(1, 'COMPLETE', [6, 5, 4, 3.5]), // 5, 3.5
    trial(2, 'PRUNED', [7, 6]), // 6
    trial(3, 'PRUNED', [8, 7]), // 7
    trial(4, 'COMPLETE', [3, 2.5, 2, 1.5]), // 2.5, 1.5
  ];
  const pruner = new SuccessiveHalvingPruner();

  it('derives rung values from intermediate values (what Optuna stores as completed_rung_<r>)', () => {
    expect(pruner.rungsOf(others[0])).toEqual({ [rungKey(0)]: 4, [rungKey(1)]: 2 });
    expect(pruner.rungsOf(others[2])).toEqual({ completed_rung_0: 6 });
  });

  it('promotes the top 1/reductionFactor at a rung and prunes the rest', () => {
    // Rung 0 competitors 4, 5, 6, 7, 2.5 plus the trial's: 6 values → the 2nd best (index 6/3 - 1 = 1) is the bar.
    expect(ask(pruner, others, trial(5, 'RUNNING', [9, 3]))).toBe(false); // [2.5, 3, ...]: 3 <= 3
    expect(ask(pruner, others, trial(5, 'RUNNING', [9, 4.5]))).toBe(true); // [2.5, 4, 4.5, ...]: 4.5 > 4
    // Below the first rung nothing is judged.
    expect(ask(pruner, others, trial(5, 'RUNNING', [1000]))).toBe(false);
    // Between rungs: no new judgement.
    expect(ask(pruner, others, trial(5, 'RUNNING', [9, 3, 1000]))).toBe(false);
  });

  it('at a higher rung only the trials that reached it compete (the very best while fewer than reductionFactor)', () => {
    // Rung 1 (step 3): competitors 2, 3.5, 1.5 plus the trial's: 4 values → index 0, must be the best.
    expect(ask(pruner, others, trial(5, 'RUNNING', [9, 2, 2, 1.4]))).toBe(false);
    expect(ask(pruner, others, trial(5, 'RUNNING', [9, 2, 2, 1.6]))).toBe(true);
  });

  it('judges every rung a report jumps over, with the value of that report', () => {
    // Reports at steps 0 and 5: rung 0 (step 1) and rung 1 (step 3) are both judged with 1.6.
    expect(ask(pruner, others, trial(5, 'RUNNING', { 0: 9, 5: 1.6 }))).toBe(true); // fails rung 1
    expect(ask(pruner, others, trial(5, 'RUNNING', { 0: 9, 5: 1.4 }))).toBe(false);
  });

  it('maximises when asked', () => {
    const up = [trial(0, 'COMPLETE', [0, 4]), trial(1, 'COMPLETE', [0, 5]), trial(2, 'PRUNED', [0, 6]), trial(3, 'PRUNED', [0, 7]), trial(4, 'COMPLETE', [0, 2.5])];
    // Competitors 4, 5, 6, 7, 2.5 + own: the bar is the 2nd largest.
    expect(ask(pruner, up, trial(5, 'RUNNING', [0, 6.5]), 'maximize')).toBe(false);
    expect(ask(pruner, up, trial(5, 'RUNNING', [0, 5.5]), 'maximize')).toBe(true);
  });

  it('honours minResource, minEarlyStoppingRate and bootstrapCount', () => {
    // Rungs at 2·3^1 = 6, 18, …
    const p = new SuccessiveHalvingPruner({ minResource: 2, minEarlyStoppingRate: 1 });
    expect(ask(p, others, trial(5, 'RUNNING', [9, 9, 9, 9, 9]))).toBe(false); // step 4 < 6
    expect(ask(p, others, trial(5, 'RUNNING', [9, 9, 9, 9, 9, 9, 9]))).toBe(false); // first to reach rung 0: kept
    const b = new SuccessiveHalvingPruner({ bootstrapCount: 10 });
    expect(ask(b, others, trial(5, 'RUNNING', [9, 0]))).toBe(true); // only 6 trials at the rung <= 10
  });

  it("estimates minResource with 'auto' from COMPLETE trials (last step / 100)", () => {
    const p = new SuccessiveHalvingPruner({ minResource: 'auto' });
    expect(ask(p, [], trial(5, 'RUNNING', [1, 2]))).toBe(false); // nothing COMPLETE yet: no pruning
    const long = trial(0, 'COMPLETE', Object.fromEntries(Array.from({ length: 301 }, (_, s) => [s, 1])));
    p.shouldPrune({ direction: 'minimize', trials: [long], trial: trial(1, 'RUNNING', [5]), step: 0 });
    expect(p.rungStep(0)).toBe(3);
  });

  it('prunes NaN at a rung', () => {
    expect(ask(pruner, others, trial(5, 'RUNNING', [9, NaN]))).toBe(true);
  });

  it('reads Optuna-style completed_rung_<r> attributes when a trial has them', () => {
    const imported = others.map((t) => ({ ...t, intermediate: {}, systemAttrs: { completed_rung_0: 100 } }));
    // Every competitor sits at 100: 4.5 is now the best.
    expect(ask(pruner, imported, trial(5, 'RUNNING', [9, 4.5]))).toBe(false);
  });
});

describe('createPruner', () => {
  it('builds each pruner with its options', () => {
    expect(createPruner({ name: 'none' })).toBeInstanceOf(NopPruner);
    const m = createPruner({ name: 'median', nWarmupSteps: 3 }) as MedianPruner;
    expect(m).toBeInstanceOf(MedianPruner);
    expect(m.nWarmupSteps).toBe(3);
    expect((createPruner({ name: 'percentile', percentile: 25 }) as PercentilePruner).percentile).toBe(25);
    const a = createPruner({ name: 'asha', reductionFactor: 4 }) as SuccessiveHalvingPruner;
    expect(a).toBeInstanceOf(SuccessiveHalvingPruner);
    expect(a.reductionFactor).toBe(4);
    expect(createPruner({ name: 'successiveHalving' })).toBeInstanceOf(SuccessiveHalvingPruner);
  });

  it('rejects unknown names and options clearly', () => {
    expect(() => createPruner({ name: 'hyperband' })).toThrow(/unknown pruner "hyperband" \(expected one of: none, median, percentile, asha, successiveHalving\)/);
    expect(() => createPruner({ name: 'median', warmup: 3 })).toThrow(/unknown option "warmup" for the median pruner \(allowed: nStartupTrials, nWarmupSteps/);
    expect(() => createPruner({ name: 'none', x: 1 })).toThrow(/unknown option "x" for the none pruner \(allowed: none\)/);
    expect(() => createPruner({ name: 'asha', reductionFactor: 1 })).toThrow(/reductionFactor must be an integer >= 2/);
    expect(() => createPruner({ name: 'asha', minResource: 0 })).toThrow(/minResource must be an integer >= 1 or 'auto'/);
    expect(() => createPruner({ name: 'median', intervalSteps: 0 })).toThrow(/intervalSteps must be an integer >= 1/);
    expect(() => createPruner({ name: 'percentile' })).toThrow(/needs a "percentile"/);
    expect(() => createPruner({ name: 'percentile', percentile: 120 })).toThrow(/percentile must be between 0 and 100/);
  });
});
