import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createStudy, TrialPruned, type Distribution, type FrozenTrial, type ParamValue } from '../src';
import type { BeforeTrialContext, Sampler, SamplerContext, SearchSpace } from '../src/samplers/sampler';
import { openStorage } from '../src/storages';

const tmpDb = () => `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-study-')), 'studies.db')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('define-by-run study', () => {
  it('minimises a quadratic with TPE and reports the best trial', async () => {
    const study = createStudy({ direction: 'minimize', sampler: { name: 'tpe', seed: 1 } });
    await study.optimize(async (t) => {
      const x = await t.suggestFloat('x', -10, 10);
      const n = await t.suggestInt('n', 1, 5);
      const c = await t.suggestCategorical('c', ['a', 'b']);
      return (x - 2) ** 2 + (n - 3) ** 2 + (c === 'b' ? 0 : 1);
    }, { nTrials: 40 });
    expect(study.trials).toHaveLength(40);
    expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(study.bestValue!).toBeLessThan(1.2);
    expect(study.bestParams!.c).toBe('b');
    expect(study.bestTrial!.value).toBe(study.bestValue);
  });

  it('maximises when asked', async () => {
    const study = createStudy({ direction: 'maximize', sampler: { name: 'random', seed: 3 } });
    await study.optimize(async (t) => -(((await t.suggestFloat('x', 0, 1)) - 0.5) ** 2), { nTrials: 20 });
    expect(study.bestValue!).toBe(Math.max(...study.trials.map((t) => t.value!)));
  });

  it('ends trials that throw or return NaN as FAIL with the message, and goes on to nTrials finished ones', async () => {
    const study = createStudy({ direction: 'minimize', sampler: { name: 'random', seed: 0 } });
    let calls = 0;
    await study.optimize(async (t) => {
      const x = await t.suggestFloat('x', 0, 1);
      calls++;
      if (calls === 2) throw new Error('out of memory, say');
      if (calls === 4) return NaN;
      return x;
    }, { nTrials: 6 });
    const failed = study.trials.filter((t) => t.state === 'FAIL');
    expect(failed).toHaveLength(2);
    expect(failed[0].error).toMatch(/out of memory, say/);
    expect(failed[1].error).toMatch(/NaN/);
    expect(study.trials.filter((t) => t.state === 'COMPLETE')).toHaveLength(6);
  });

  it('prunes with the median pruner from reported values', async () => {
    const study = createStudy({ direction: 'minimize', sampler: { name: 'random', seed: 0 }, pruner: { name: 'median', nStartupTrials: 2, nWarmupSteps: 0 } });
    await study.optimize(async (t) => {
      const x = await t.suggestFloat('x', 0, 1);
      for (let step = 1; step <= 5; step++) {
        await t.report(x * 10 + 1 / step, step);
        if (await t.shouldPrune()) throw new TrialPruned();
      }
      return x * 10;
    }, { nTrials: 20 });
    const pruned = study.trials.filter((t) => t.state === 'PRUNED');
    expect(pruned.length).toBeGreaterThan(3);
    for (const t of pruned) expect(t.value).toBeDefined();
    expect(study.trials.filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED')).toHaveLength(20);
  });

  it('runs every grid point exactly once with parallel workers, then stops', async () => {
    const study = createStudy({ direction: 'minimize', sampler: { name: 'grid' }, searchSpace: { a: [1, 2, 3], b: ['x', 'y'] } });
    await study.optimize(async (t) => {
      const a = await t.suggestCategorical('a', [1, 2, 3]);
      const b = await t.suggestCategorical('b', ['x', 'y']);
      await sleep(5 + Math.random() * 10);
      return a + (b === 'x' ? 0 : 10);
    }, { nTrials: 100, workers: 3 });
    const seen = study.trials.map((t) => `${t.params.a}${t.params.b}`).sort();
    expect(seen).toEqual(['1x', '1y', '2x', '2y', '3x', '3y']);
  });

  it('gives trial k the same random parameters whatever the number of workers', async () => {
    const run = async (workers: number) => {
      const study = createStudy({ direction: 'minimize', sampler: { name: 'random', seed: 9 } });
      await study.optimize(async (t) => {
        const x = await t.suggestFloat('x', 0, 1);
        await sleep(Math.random() * 5);
        return x;
      }, { nTrials: 8, workers });
      return Object.fromEntries(study.trials.map((t) => [t.number, t.params.x]));
    };
    expect(await run(3)).toEqual(await run(1));
  });
});

describe('samplers written outside the package', () => {
  it('a sampler with only a name and sampleIndependent runs a study', async () => {
    const asked: string[] = [];
    const midpoint: Sampler = {
      name: 'midpoint',
      sampleIndependent(ctx: SamplerContext, name: string, dist: Distribution): ParamValue {
        asked.push(`${ctx.trialNumber}:${name}`);
        if (dist.type === 'categorical') return dist.choices[ctx.trialNumber % dist.choices.length];
        const mid = (dist.low + dist.high) / 2;
        return dist.type === 'int' ? Math.round(mid) : mid + ctx.trials.length;
      },
    };
    const study = createStudy({ direction: 'minimize', sampler: midpoint });
    await study.optimize(async (t) => {
      const x = await t.suggestFloat('x', 0, 10);
      const k = await t.suggestCategorical('k', ['a', 'b']);
      return x + (k === 'a' ? 0 : 100);
    }, { nTrials: 4 });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE', 'COMPLETE']);
    // The context's trials are the study's as of the trial's first suggestion, the trial itself included.
    expect(study.trials.map((t) => t.params)).toEqual([
      { x: 6, k: 'a' },
      { x: 7, k: 'b' },
      { x: 8, k: 'a' },
      { x: 9, k: 'b' },
    ]);
    expect(asked).toEqual(['0:x', '0:k', '1:x', '1:k', '2:x', '2:k', '3:x', '3:k']);
    expect(study.bestValue).toBe(6);
  });

  it("calls sampleRelative once per trial with the inferred space, and each trial keeps its own draw", async () => {
    const calls: Array<[number, SearchSpace]> = [];
    const ended: Array<[number, string]> = [];
    const space: SearchSpace = { x: { type: 'float', low: 0, high: 1 }, n: { type: 'int', low: 0, high: 9 } };
    const joint: Sampler = {
      name: 'joint',
      inferRelativeSearchSpace: () => space,
      async sampleRelative(ctx, s) {
        calls.push([ctx.trialNumber, s]);
        await sleep(1);
        return { x: ctx.trialNumber / 10, n: ctx.trialNumber };
      },
      sampleIndependent: (_ctx, name) => (name === 'k' ? 'independent' : -1),
      afterTrial: (ctx, trial) => void ended.push([trial.number, trial.state]),
    };
    const study = createStudy({ direction: 'minimize', sampler: joint });
    await study.optimize(async (t) => {
      await sleep(Math.random() * 5);
      const x = await t.suggestFloat('x', 0, 1);
      await sleep(Math.random() * 5);
      const n = await t.suggestInt('n', 0, 9);
      const k = await t.suggestCategorical('k', ['independent', 'other']);
      // Same name, another distribution than the relative space's: sampled independently.
      const m = await t.suggestInt('m', 0, 5);
      return x + n + (k === 'independent' ? 0 : 1) + m;
    }, { nTrials: 6, workers: 3 });
    expect(calls.map(([n]) => n).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const [, s] of calls) expect(s).toEqual(space);
    for (const t of study.trials) expect(t.params).toEqual({ x: t.number / 10, n: t.number, k: 'independent', m: -1 });
    expect(ended.sort((a, b) => a[0] - b[0])).toEqual([0, 1, 2, 3, 4, 5].map((n) => [n, 'COMPLETE']));
  });

  it("beforeTrial decides how trials are created: a claimed unit of work, each once, then 'exhausted'", async () => {
    const units = ['u0', 'u1', 'u2', 'u3', 'u4'];
    const queue: Sampler = {
      name: 'queue',
      async beforeTrial(ctx: BeforeTrialContext) {
        const held = new Set(ctx.trials.filter((t) => t.state !== 'FAIL').map((t) => t.systemAttrs.claimKey));
        const free = units.find((u) => !held.has(u));
        if (free === undefined) return 'exhausted';
        return ctx.createTrial({ claimKey: free, params: { unit: free }, distributions: { unit: { type: 'categorical', choices: units } } });
      },
      sampleIndependent: () => {
        throw new Error('not asked: every parameter is fixed by beforeTrial');
      },
    };
    const study = createStudy({ direction: 'minimize', sampler: queue });
    let failedOnce = false;
    await study.optimize(async (t) => {
      const unit = await t.suggestCategorical('unit', units);
      await sleep(Math.random() * 5);
      if (unit === 'u2' && !failedOnce) {
        failedOnce = true;
        throw new Error('flaky');
      }
      return units.indexOf(unit as string);
    }, { nTrials: 100, workers: 2 });
    const done = study.trials.filter((t) => t.state === 'COMPLETE').map((t: FrozenTrial) => t.params.unit);
    expect(done.sort()).toEqual(units);
    expect(study.trials.filter((t) => t.state === 'FAIL').map((t) => t.params.unit)).toEqual(['u2']);
  });

  it('beforeTrial returning nothing without creating a trial ends the study like exhaustion', async () => {
    const three: Sampler = {
      name: 'three',
      beforeTrial: async (ctx) => (ctx.trials.length < 3 ? ctx.createTrial() : undefined),
      sampleIndependent: () => 0.5,
    };
    const study = createStudy({ direction: 'minimize', sampler: three });
    await study.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 10 });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE']);
  });

  it('rejects a sampler object without sampleIndependent clearly', () => {
    const old = { name: 'old', sample: () => 1 } as unknown as Sampler;
    expect(() => createStudy({ direction: 'minimize', sampler: old })).toThrow(/implements sampleIndependent\(ctx, name, dist\)/);
  });
});

describe('persistent studies', () => {
  it('resume: running again adds trials until the study holds nTrials finished ones', async () => {
    const storage = tmpDb();
    const objective = async (t: { suggestFloat: (n: string, a: number, b: number) => Promise<number> }) => t.suggestFloat('x', 0, 1);
    const first = createStudy({ name: 's', direction: 'minimize', sampler: { name: 'random', seed: 1 }, storage });
    await first.optimize(objective as never, { nTrials: 5 });
    await first.close();
    const again = createStudy({ name: 's', direction: 'minimize', sampler: { name: 'random', seed: 1 }, storage });
    await again.optimize(objective as never, { nTrials: 8 });
    expect(again.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await again.close();
  });

  it('marks a RUNNING trial whose worker died as FAIL after the heartbeat timeout', async () => {
    const url = tmpDb();
    const storage = await openStorage(url, { defaultSqlitePath: 'x.db' });
    const id = await storage.createStudy('dead', 'minimize');
    await storage.createTrial(id, { maxTrials: 3 }); // a worker that claimed trial 0, then died
    await storage.close();
    await sleep(1200);
    const study = createStudy({ name: 'dead', direction: 'minimize', sampler: { name: 'random' }, storage: url });
    await study.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 3, staleSeconds: 1, heartbeatSeconds: 0.2 });
    expect(study.trials[0].state).toBe('FAIL');
    expect(study.trials[0].error).toMatch(/heartbeat/);
    expect(study.trials.filter((t) => t.state === 'COMPLETE')).toHaveLength(3);
    await study.close();
  });
});
