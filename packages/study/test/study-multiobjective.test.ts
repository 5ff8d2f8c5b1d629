/**
 * Multi-objective studies through the Study API: an objective returning one value per
 * direction, what is refused (wrong lengths, reports, pruners, single-objective accessors), and
 * the Pareto front and hypervolume of what was found.
 */
import { ConfigError, createStudy, InMemoryStorage, RandomSampler, type Trial } from '../src';

const twoD = async (t: Trial): Promise<number[]> => {
  const x = await t.suggestFloat('x', 0, 1);
  return [x, (1 - x) ** 2];
};

describe('multi-objective Study', () => {
  test('the objective returns one value per direction; trials keep the vector, value = values[0]', async () => {
    const study = createStudy({ directions: ['minimize', 'minimize'], sampler: new RandomSampler(1) });
    await study.optimize(twoD, { nTrials: 8 });
    expect(study.trials).toHaveLength(8);
    for (const t of study.trials) {
      expect(t.state).toBe('COMPLETE');
      expect(t.values).toEqual([t.params.x, (1 - (t.params.x as number)) ** 2]);
      expect(t.value).toBe(t.values![0]);
    }
    expect(study.directions).toEqual(['minimize', 'minimize']);
    expect(study.isMultiObjective).toBe(true);
  });

  test('a vector of the wrong length, a number, or a non-finite value fails the trial with a clear error', async () => {
    const study = createStudy({ directions: ['minimize', 'maximize'], sampler: new RandomSampler(0) });
    const returns: unknown[] = [[1], 3, [1, 2, 3], [1, NaN], [1, 'a'], [4, 5]];
    let i = 0;
    await study.optimize(() => returns[i++] as number[], { nTrials: 1, maxFailures: 10 });
    const errors = study.trials.map((t) => [t.state, t.error]);
    expect(errors).toEqual([
      ['FAIL', 'the objective returned 1 value ([1]), but the study has 2 directions: one value per direction'],
      ['FAIL', 'the objective returned 3, not a list of 2 numbers (the study has 2 directions)'],
      ['FAIL', 'the objective returned 3 values ([1, 2, 3]), but the study has 2 directions: one value per direction'],
      ['FAIL', 'the objective returned [1, NaN]: value 2 is not a finite number'],
      ['FAIL', 'the objective returned [1, a]: value 2 is not a finite number'],
      ['COMPLETE', undefined],
    ]);
    expect(study.trials[5].values).toEqual([4, 5]);
  });

  test('a single-objective study accepts a list of one number, as Optuna does', async () => {
    const study = createStudy({ direction: 'minimize', sampler: new RandomSampler(0) });
    await study.optimize(() => [2.5], { nTrials: 1 });
    expect(study.trials[0]).toMatchObject({ state: 'COMPLETE', value: 2.5 });
    expect(study.trials[0]).not.toHaveProperty('values');
  });

  test('Trial.report and shouldPrune are refused (the trial fails with the reason); a pruner is a ConfigError', async () => {
    const study = createStudy({ directions: ['minimize', 'minimize'], sampler: new RandomSampler(0) });
    await study.optimize(
      async (t) => {
        await t.report(1, 0);
        return [1, 2];
      },
      { nTrials: 1, maxFailures: 1 },
    );
    expect(study.trials[0].state).toBe('FAIL');
    expect(study.trials[0].error).toMatch(/^Trial\.report is not supported for multi-objective optimization/);
    const s2 = createStudy({ directions: ['minimize', 'minimize'], sampler: new RandomSampler(0) });
    await s2.optimize(async (t) => ((await t.shouldPrune()) ? [0, 0] : [1, 1]), { nTrials: 1, maxFailures: 1 });
    expect(s2.trials[0].error).toMatch(/^Trial\.shouldPrune is not supported for multi-objective optimization/);

    expect(() => createStudy({ directions: ['minimize', 'minimize'], pruner: { name: 'median' } })).toThrow(ConfigError);
    expect(() => createStudy({ directions: ['minimize', 'minimize'], pruner: { name: 'median' } })).toThrow(/study\.pruner: pruning is not supported for multi-objective studies/);
    expect(() => createStudy({ directions: ['minimize', 'minimize'], pruner: { name: 'none' } })).not.toThrow();
  });

  test('direction and directions together, an empty or a bad list are ConfigErrors', () => {
    expect(() => createStudy({ direction: 'minimize', directions: ['minimize'] })).toThrow(/give direction \(one objective\) or directions \(one per objective\), not both/);
    expect(() => createStudy({ directions: [] })).toThrow(ConfigError);
    expect(() => createStudy({ directions: ['minimize', 'up' as never] })).toThrow(/study\.directions\[1\]: expected minimize or maximize, found "up"/);
  });

  test('bestTrial, bestValue and direction throw on a multi-objective study; bestTrials is the Pareto front', async () => {
    const study = createStudy({ directions: ['minimize', 'maximize'], sampler: new RandomSampler(0) });
    const vectors = [
      [1, 1],
      [2, 3],
      [2, 2], // dominated by 1
      [0.5, 0.5],
      [1, 1], // equal to 0: both kept
      [3, 3], // dominated by 1
    ];
    let i = 0;
    await study.optimize(() => vectors[i++], { nTrials: vectors.length });
    expect(study.bestTrials.map((t) => t.number)).toEqual([0, 1, 3, 4]);
    expect(() => study.bestTrial).toThrow('study.bestTrial is not defined for a multi-objective study; use study.bestTrials');
    expect(() => study.bestValue).toThrow(/use study\.bestTrials/);
    expect(() => study.direction).toThrow(/use study\.directions/);
    // Hypervolume against (4, 0) in (minimize, maximize): the staircase of (0.5, 0.5), (1, 1), (2, 3).
    expect(study.hypervolume([4, 0])).toBeCloseTo((1 - 0.5) * 0.5 + (2 - 1) * 1 + (4 - 2) * 3, 12);
    expect(() => study.hypervolume([4])).toThrow(ConfigError);
  });

  test('a single-objective study: bestTrials is the best trial alone', async () => {
    const study = createStudy({ direction: 'maximize', sampler: new RandomSampler(0) });
    const v = [1, 5, 3];
    let i = 0;
    await study.optimize(() => v[i++], { nTrials: 3 });
    expect(study.bestTrials.map((t) => t.number)).toEqual([1]);
    expect(study.direction).toBe('maximize');
  });

  test('resuming a study with other directions is a ConfigError naming it', async () => {
    const storage = new InMemoryStorage();
    await createStudy({ name: 'rd', directions: ['minimize', 'minimize'], storage, sampler: new RandomSampler(0) }).open();
    await expect(createStudy({ name: 'rd', direction: 'minimize', storage }).open()).rejects.toThrow(
      'study "rd" already exists with 2 directions [minimize, minimize], not direction minimize (use another study name, or the same directions)',
    );
    await expect(createStudy({ name: 'rd', directions: ['minimize', 'maximize'], storage }).open()).rejects.toBeInstanceOf(ConfigError);
  });

  test('samplers see the directions', async () => {
    const seen: unknown[] = [];
    const sampler = new RandomSampler(0);
    const spy = { name: 'spy', sampleIndependent: (ctx: Parameters<RandomSampler['sampleIndependent']>[0], n: string, d: Parameters<RandomSampler['sampleIndependent']>[2]) => (seen.push([ctx.direction, ctx.directions]), sampler.sampleIndependent(ctx, n, d)) };
    const study = createStudy({ directions: ['maximize', 'minimize'], sampler: spy });
    await study.optimize(twoD, { nTrials: 1 });
    expect(seen).toEqual([['maximize', ['maximize', 'minimize']]]);
  });
});

test('a single-objective sampler (gp) is refused when the study is created with several directions', () => {
  expect(() => createStudy({ directions: ['minimize', 'minimize'], sampler: { name: 'gp', seed: 1 } as never })).toThrow(
    /study\.sampler: the gp sampler optimises one objective, and this study has 2 directions/,
  );
});
