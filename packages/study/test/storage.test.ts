/**
 * One suite for the three study storages: memory, SQLite (a temp file) and PostgreSQL (only
 * when VAEKIT_TEST_POSTGRES holds a URL; .ci/postgres.sh starts a server and prints it).
 * The multi-process test is in storage-multiprocess.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import {
  InMemoryStorage,
  openStorage,
  parseStorageUrl,
  PostgresStorage,
  SqliteStorage,
  StorageError,
  TrialNotRunningError,
  type VaekitStorage,
} from '../src/storages';
import type { Distribution, FrozenTrial } from '../src/types';

const PG_URL = process.env.VAEKIT_TEST_POSTGRES;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-storage-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Study names unique to this run, so runs sharing one PostgreSQL database never meet. */
const RUN = `jest-${process.pid}-${Date.now().toString(36)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const F: Distribution = { type: 'float', low: 1e-5, high: 1e-1, log: true };
const I: Distribution = { type: 'int', low: 1, high: 8, step: 1 };
const C: Distribution = { type: 'categorical', choices: ['relu', 'tanh', null, true, 3] };

function storageSuite(kind: string, open: () => Promise<VaekitStorage>): void {
  describe(`${kind} storage`, () => {
    let s: VaekitStorage;
    let studies = 0;
    const fresh = async (direction: 'minimize' | 'maximize' = 'minimize') => s.createStudy(`${RUN}-${kind}-${++studies}`, direction);

    beforeAll(async () => {
      s = await open();
    });
    afterAll(async () => {
      for (const st of await s.listStudies()) if (st.name.startsWith(RUN)) await s.deleteStudy(st.name);
      await s.close();
    });

    test('createStudy / getStudy: same name → same id; attrs kept; direction mismatch → ConfigError', async () => {
      const name = `${RUN}-${kind}-study`;
      const id = await s.createStudy(name, 'maximize', { metric: 'elbo', nested: { a: [1, 2] } });
      expect(Number.isInteger(id)).toBe(true);
      expect(await s.createStudy(name, 'maximize')).toBe(id);
      expect(await s.getStudy(name)).toEqual({ id, name, direction: 'maximize', directions: ['maximize'], attrs: { metric: 'elbo', nested: { a: [1, 2] } } });
      expect(await s.getStudy(`${RUN}-${kind}-nope`)).toBeUndefined();
      await expect(s.createStudy(name, 'minimize')).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringContaining('maximize') });
      await expect(s.createStudy(`${RUN}-${kind}-bad`, 'up' as never)).rejects.toMatchObject({ name: 'ConfigError' });
      const other = await s.createStudy(`${RUN}-${kind}-other`, 'minimize');
      expect(other).not.toBe(id);
      const listed = (await s.listStudies()).find((x) => x.name === name);
      expect(listed).toEqual({ name, direction: 'maximize', directions: ['maximize'], counts: { RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAIL: 0, WAITING: 0 } });
    });

    test('multi-objective: the directions and each trial\'s vector of values round-trip; listStudies shows the front', async () => {
      const name = `${RUN}-${kind}-mo`;
      const id = await s.createStudy(name, ['minimize', 'maximize'], { metrics: ['recon', 'kl'] });
      expect(await s.createStudy(name, ['minimize', 'maximize'])).toBe(id);
      expect(await s.getStudy(name)).toEqual({ id, name, direction: 'minimize', directions: ['minimize', 'maximize'], attrs: { metrics: ['recon', 'kl'] } });
      const vectors = [[1.5, 2], [1, 1], [2, 3], [1.5, 2], [0.1, -Infinity], [3, Infinity], [2, 1], [1, 0.5]];
      for (const v of vectors) {
        const t = (await s.createTrial(id))!;
        await s.setParam(id, t.number, 'x', v[0], F);
        expect(await s.finishTrial(id, t.number, 'COMPLETE', v)).toBe(true);
      }
      const failed = (await s.createTrial(id))!;
      await s.finishTrial(id, failed.number, 'FAIL', undefined, 'boom');
      const nan = (await s.createTrial(id))!;
      await s.finishTrial(id, nan.number, 'COMPLETE', [1, NaN]);
      const trials = await s.getTrials(id);
      expect(trials.slice(0, vectors.length).map((t) => [t.value, t.values])).toEqual(vectors.map((v) => [v[0], v]));
      expect(trials[vectors.length]).not.toHaveProperty('values');
      expect(trials[vectors.length + 1]).not.toHaveProperty('values'); // a NaN in the vector: no values, as a NaN value
      expect(trials[vectors.length + 1]).not.toHaveProperty('value');
      expect((await s.getTrial(id, 2))!.values).toEqual([2, 3]);
      // (minimize, maximize): 6 [2, 1] is dominated by 0 [1.5, 2], 7 [1, 0.5] by 1 [1, 1]; the equal 0 and 3 are both kept.
      const listed = (await s.listStudies()).find((x) => x.name === name)!;
      expect(listed.directions).toEqual(['minimize', 'maximize']);
      expect(listed.best).toBeUndefined();
      expect(listed.front!.map((f) => f.number)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(listed.front!.find((f) => f.number === 2)).toEqual({ number: 2, values: [2, 3], params: { x: 2 } });
    });

    test('a study created with one direction cannot be resumed with two, nor with other directions', async () => {
      const one = `${RUN}-${kind}-one`;
      await s.createStudy(one, 'minimize');
      await expect(s.createStudy(one, ['minimize', 'minimize'])).rejects.toMatchObject({
        name: 'ConfigError',
        message: expect.stringMatching(new RegExp(`study "${one}" already exists with direction minimize, not 2 directions \\[minimize, minimize\\]`)),
      });
      const two = `${RUN}-${kind}-two`;
      await s.createStudy(two, ['minimize', 'maximize']);
      await expect(s.createStudy(two, 'minimize')).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringContaining(`study "${two}" already exists with 2 directions [minimize, maximize]`) });
      await expect(s.createStudy(two, ['maximize', 'minimize'])).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringContaining('not 2 directions [maximize, minimize]') });
      await expect(s.createStudy(two, [])).rejects.toMatchObject({ name: 'ConfigError' });
      expect(await s.createStudy(two, ['minimize', 'maximize'])).toBeGreaterThan(0);
    });

    test('trials are numbered 0, 1, 2… per study, RUNNING with a start time', async () => {
      const a = await fresh();
      const b = await fresh();
      const t0 = await s.createTrial(a);
      const t1 = await s.createTrial(a);
      const u0 = await s.createTrial(b);
      const t2 = await s.createTrial(a);
      expect([t0!.number, t1!.number, t2!.number, u0!.number]).toEqual([0, 1, 2, 0]);
      expect(t0).toMatchObject({ state: 'RUNNING', params: {}, distributions: {}, intermediate: {}, userAttrs: {}, systemAttrs: {} });
      expect(new Date(t0!.startedAt!).toISOString()).toBe(t0!.startedAt);
      expect(Math.abs(Date.parse(t0!.startedAt!) - Date.now())).toBeLessThan(60_000);
      expect((await s.getTrial(a, 1))?.number).toBe(1);
      expect(await s.getTrial(a, 7)).toBeUndefined();
      expect((await s.getTrials(a)).map((t) => t.number)).toEqual([0, 1, 2]);
      expect(await s.getTrials(12345678)).toEqual([]);
      await expect(s.createTrial(12345678)).rejects.toBeInstanceOf(StorageError);
    });

    test('params, distributions, intermediate values, user attrs and the value round-trip', async () => {
      const id = await fresh();
      const t = (await s.createTrial(id, { params: { lr: 0.001, act: 'tanh' }, distributions: { lr: F, act: C } }))!;
      expect(t.params).toEqual({ lr: 0.001, act: 'tanh' });
      expect(t.distributions).toEqual({ lr: F, act: C });
      await s.setParam(id, t.number, 'layers', 3, I);
      await s.setParam(id, t.number, 'flag', true, { type: 'categorical', choices: [true, false] });
      await s.setParam(id, t.number, 'none', null, C);
      await s.setParam(id, t.number, 'act', 'relu', C); // overwrite
      await s.reportIntermediate(id, t.number, 0, 10.5);
      await s.reportIntermediate(id, t.number, 1, 9);
      await s.reportIntermediate(id, t.number, 1, 8.25); // the same step again: the last report wins
      await s.reportIntermediate(id, t.number, 2, -Infinity);
      await s.reportIntermediate(id, t.number, 3, NaN);
      await expect(s.reportIntermediate(id, t.number, 1.5, 1)).rejects.toBeInstanceOf(StorageError);
      await s.setUserAttr(id, t.number, 'note', { text: 'hi', list: [1, 'two', null], deep: { x: 1.5 } });
      await s.setUserAttr(id, t.number, 'gone', undefined);
      await s.setUserAttr(id, t.number, 'n', 42);
      await s.setSystemAttr(id, t.number, 'gridPoint', 7);
      await expect(s.setSystemAttr(id, t.number, 'claimKey', 'x')).rejects.toBeInstanceOf(StorageError);
      await s.heartbeat(id, t.number);
      expect(await s.finishTrial(id, t.number, 'COMPLETE', 0.125)).toBe(true);

      const got = (await s.getTrial(id, t.number))!;
      const expected: Partial<FrozenTrial> = {
        number: 0,
        state: 'COMPLETE',
        value: 0.125,
        params: { lr: 0.001, act: 'relu', layers: 3, flag: true, none: null },
        distributions: { lr: F, act: C, layers: I, flag: { type: 'categorical', choices: [true, false] }, none: C },
        intermediate: { 0: 10.5, 1: 8.25, 2: -Infinity, 3: NaN },
        userAttrs: { note: { text: 'hi', list: [1, 'two', null], deep: { x: 1.5 } }, gone: null, n: 42 },
        systemAttrs: { gridPoint: 7 },
      };
      expect(got).toMatchObject(expected);
      expect(got.error).toBeUndefined();
      expect(Date.parse(got.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(got.startedAt!));
      expect(Date.parse(got.heartbeat!)).toBeGreaterThanOrEqual(Date.parse(got.startedAt!));
      expect((await s.getTrials(id))[0]).toEqual(got);
      // Returned objects are copies: changing one changes nothing stored.
      got.params.lr = 99;
      (got.userAttrs.note as { text: string }).text = 'changed';
      expect((await s.getTrial(id, 0))!.params.lr).toBe(0.001);
      expect(((await s.getTrial(id, 0))!.userAttrs.note as { text: string }).text).toBe('hi');
    });

    test('getTrials filters by state; listStudies counts states and finds the best trial', async () => {
      const id = await fresh('maximize');
      for (const [state, value] of [
        ['COMPLETE', 1],
        ['COMPLETE', 3],
        ['PRUNED', 5],
        ['FAIL', undefined],
        ['COMPLETE', 3],
        ['COMPLETE', Infinity],
      ] as const) {
        const t = (await s.createTrial(id))!;
        await s.setParam(id, t.number, 'x', t.number, I);
        await s.finishTrial(id, t.number, state, value, state === 'FAIL' ? 'boom' : undefined);
      }
      await s.createTrial(id);
      expect((await s.getTrials(id, ['COMPLETE'])).map((t) => t.number)).toEqual([0, 1, 4, 5]);
      expect((await s.getTrials(id, ['FAIL', 'RUNNING'])).map((t) => [t.number, t.state])).toEqual([
        [3, 'FAIL'],
        [6, 'RUNNING'],
      ]);
      expect(await s.getTrials(id, [])).toEqual([]);
      expect((await s.getTrial(id, 3))!.error).toBe('boom');
      const summary = (await s.listStudies()).find((x) => x.name === `${RUN}-${kind}-${studies}`)!;
      expect(summary.counts).toEqual({ RUNNING: 1, COMPLETE: 4, PRUNED: 1, FAIL: 1, WAITING: 0 });
      // Infinity is not a best value; among equal values the earliest trial wins.
      expect(summary.best).toEqual({ number: 1, value: 3, params: { x: 1 } });
    });

    test('a PRUNED trial without a value keeps its last reported one; NaN final values are dropped', async () => {
      const id = await fresh();
      const t = (await s.createTrial(id))!;
      await s.reportIntermediate(id, t.number, 0, 4);
      await s.reportIntermediate(id, t.number, 5, 2);
      await s.reportIntermediate(id, t.number, 3, 3);
      expect(await s.finishTrial(id, t.number, 'PRUNED')).toBe(true);
      expect((await s.getTrial(id, t.number))!.value).toBe(2);
      const u = (await s.createTrial(id))!;
      expect(await s.finishTrial(id, u.number, 'COMPLETE', NaN)).toBe(true);
      expect((await s.getTrial(id, u.number))!.value).toBeUndefined();
    });

    test('maxTrials: refused once COMPLETE + PRUNED + RUNNING trials reach it; FAIL ones free a place', async () => {
      const id = await fresh();
      const a = (await s.createTrial(id, { maxTrials: 3 }))!;
      const b = (await s.createTrial(id, { maxTrials: 3 }))!;
      const c = (await s.createTrial(id, { maxTrials: 3 }))!;
      expect(await s.createTrial(id, { maxTrials: 3 })).toBeUndefined();
      await s.finishTrial(id, a.number, 'COMPLETE', 1);
      await s.finishTrial(id, b.number, 'PRUNED', 2);
      expect(await s.createTrial(id, { maxTrials: 3 })).toBeUndefined();
      await s.finishTrial(id, c.number, 'FAIL', undefined, 'oops');
      const d = (await s.createTrial(id, { maxTrials: 3 }))!;
      expect(d.number).toBe(3);
      expect(await s.createTrial(id, { maxTrials: 3 })).toBeUndefined();
      expect((await s.createTrial(id, { maxTrials: 4 }))!.number).toBe(4);
      expect(await s.createTrial(id, { maxTrials: 0 })).toBeUndefined();
      expect((await s.createTrial(id))!.number).toBe(5); // no limit
    });

    test('claimKey: refused while a non-FAIL trial holds the key; stored as systemAttrs.claimKey', async () => {
      const id = await fresh();
      const a = (await s.createTrial(id, { claimKey: '0', params: { x: 0 }, distributions: { x: I, unused: F } }))!;
      expect(a.systemAttrs).toEqual({ claimKey: '0' });
      expect(a.params).toEqual({ x: 0 });
      expect(a.distributions).toEqual({ x: I });
      expect(await s.createTrial(id, { claimKey: '0' })).toBeUndefined();
      const b = (await s.createTrial(id, { claimKey: '1' }))!;
      expect(b.number).toBe(1);
      await s.finishTrial(id, a.number, 'FAIL', undefined, 'crashed');
      const a2 = (await s.createTrial(id, { claimKey: '0' }))!; // the failed claim is free again
      expect(a2.number).toBe(2);
      await s.finishTrial(id, a2.number, 'COMPLETE', 1);
      await s.finishTrial(id, b.number, 'PRUNED', 1);
      expect(await s.createTrial(id, { claimKey: '0' })).toBeUndefined();
      expect(await s.createTrial(id, { claimKey: '1' })).toBeUndefined();
      expect(await s.createTrial(id, { claimKey: '2', maxTrials: 2 })).toBeUndefined(); // full: 2 live trials
      expect((await s.createTrial(id, { claimKey: '2', maxTrials: 3 }))!.systemAttrs.claimKey).toBe('2');
      const held = (await s.getTrials(id)).map((t) => [t.number, t.state, t.systemAttrs.claimKey]);
      expect(held).toEqual([
        [0, 'FAIL', '0'],
        [1, 'PRUNED', '1'],
        [2, 'COMPLETE', '0'],
        [3, 'RUNNING', '2'],
      ]);
    });

    test('finishTrial moves only RUNNING trials; a finished trial refuses params and reports', async () => {
      const id = await fresh();
      const t = (await s.createTrial(id))!;
      expect(await s.finishTrial(id, t.number, 'COMPLETE', 5)).toBe(true);
      expect(await s.finishTrial(id, t.number, 'FAIL', undefined, 'late')).toBe(false);
      expect(await s.finishTrial(id, t.number, 'COMPLETE', 6)).toBe(false);
      const got = (await s.getTrial(id, t.number))!;
      expect(got).toMatchObject({ state: 'COMPLETE', value: 5 });
      expect(got.error).toBeUndefined();
      await expect(s.setParam(id, t.number, 'x', 1, I)).rejects.toBeInstanceOf(TrialNotRunningError);
      await expect(s.reportIntermediate(id, t.number, 0, 1)).rejects.toMatchObject({ name: 'TrialNotRunningError', state: 'COMPLETE' });
      await s.setUserAttr(id, t.number, 'afterwards', 'ok'); // annotations stay possible
      expect((await s.getTrial(id, t.number))!.userAttrs).toEqual({ afterwards: 'ok' });
      await s.heartbeat(id, t.number); // a no-op on a finished trial
      expect((await s.getTrial(id, t.number))!.heartbeat).toBeUndefined();
      await expect(s.finishTrial(id, 99, 'COMPLETE', 1)).rejects.toBeInstanceOf(StorageError);
      await expect(s.setParam(id, 99, 'x', 1, I)).rejects.toBeInstanceOf(StorageError);
      await expect(s.setUserAttr(id, 99, 'x', 1)).rejects.toBeInstanceOf(StorageError);
    });

    test('failStaleTrials fails RUNNING trials silent for longer than the limit (heartbeat, else start)', async () => {
      const id = await fresh();
      const silent = (await s.createTrial(id))!; // never beats: judged by its start
      const beatEarly = (await s.createTrial(id))!;
      const beatLate = (await s.createTrial(id))!;
      const done = (await s.createTrial(id))!;
      await s.heartbeat(id, beatEarly.number);
      await s.finishTrial(id, done.number, 'COMPLETE', 1);
      await sleep(800);
      await s.heartbeat(id, beatLate.number);
      const young = (await s.createTrial(id))!;
      expect(await s.failStaleTrials(id, 0.5)).toEqual([silent.number, beatEarly.number]);
      expect(await s.failStaleTrials(id, 0.5)).toEqual([]);
      const trials = await s.getTrials(id);
      expect(trials.map((t) => t.state)).toEqual(['FAIL', 'FAIL', 'RUNNING', 'COMPLETE', 'RUNNING']);
      expect(trials[0].error).toBe('heartbeat lost (no sign of life for 0.5 s)');
      expect(trials[1].finishedAt).toBeDefined();
      expect(trials[3].error).toBeUndefined();
      // The worker that still runs a stale trial learns it is over.
      expect(await s.finishTrial(id, silent.number, 'COMPLETE', 1)).toBe(false);
      await expect(s.reportIntermediate(id, beatEarly.number, 1, 1)).rejects.toMatchObject({ name: 'TrialNotRunningError', state: 'FAIL' });
      expect((await s.getTrial(id, young.number))!.state).toBe('RUNNING');
      await expect(s.failStaleTrials(id, -1)).rejects.toBeInstanceOf(StorageError);
    });

    test('concurrent createTrial calls from one process respect maxTrials and claim keys', async () => {
      const id = await fresh();
      const made = await Promise.all(Array.from({ length: 40 }, (_, i) => s.createTrial(id, { maxTrials: 20, claimKey: String(i % 25) })));
      const ok = made.filter((t): t is FrozenTrial => t !== undefined);
      expect(ok).toHaveLength(20);
      expect(ok.map((t) => t.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(new Set(ok.map((t) => t.systemAttrs.claimKey)).size).toBe(20);
    });

    test('deleteStudy removes a study and its trials', async () => {
      const name = `${RUN}-${kind}-doomed`;
      const id = await s.createStudy(name, 'minimize');
      const t = (await s.createTrial(id))!;
      await s.setParam(id, t.number, 'x', 1, I);
      expect(await s.deleteStudy(name)).toBe(true);
      expect(await s.deleteStudy(name)).toBe(false);
      expect(await s.getStudy(name)).toBeUndefined();
      expect(await s.getTrials(id)).toEqual([]);
      const again = await s.createStudy(name, 'maximize');
      expect((await s.createTrial(again))!.number).toBe(0);
    });
  });
}

let sqliteFiles = 0;
storageSuite('memory', async () => new InMemoryStorage());
storageSuite('sqlite', async () => new SqliteStorage(path.join(tmp, `sqlite-${++sqliteFiles}`, 'nested', 'studies.db')));
if (PG_URL) {
  storageSuite('postgres', async () => new PostgresStorage(PG_URL).open());
} else {
  console.warn(
    'storage.test.ts: VAEKIT_TEST_POSTGRES is not set: SKIPPING the PostgreSQL storage tests. ' +
      'Run .ci/postgres.sh, then export VAEKIT_TEST_POSTGRES=postgres://vaekit:vaekit@127.0.0.1:5432/vaekit',
  );
  describe.skip('postgres storage (set VAEKIT_TEST_POSTGRES to run)', () => {
    test('skipped', () => undefined);
  });
}

describe('sqlite specifics', () => {
  test('WAL mode, busy timeout, schema tables, and data that survives reopening', async () => {
    const file = path.join(tmp, 'reopen', 'a', 'b', 'studies.db');
    const s = new SqliteStorage(file);
    const id = await s.createStudy('persist', 'minimize', { k: 1 });
    const t = (await s.createTrial(id, { claimKey: '3' }))!;
    await s.setParam(id, t.number, 'x', 0.5, F);
    await s.reportIntermediate(id, t.number, 0, 1.5);
    await s.finishTrial(id, t.number, 'COMPLETE', 0.5);
    await s.close();
    await expect(s.getTrials(id)).rejects.toBeInstanceOf(StorageError);

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'vaekit_%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(tables).toEqual(['vaekit_meta', 'vaekit_studies', 'vaekit_trial_intermediate', 'vaekit_trial_params', 'vaekit_trial_user_attrs', 'vaekit_trials']);
    // Queryable with plain SQL.
    expect(raw.prepare("SELECT t.number, t.value, json_extract(p.value, '$') AS x FROM vaekit_trials t JOIN vaekit_trial_params p ON p.trial_id = t.id WHERE p.name = 'x'").get()).toEqual({
      number: 0,
      value: 0.5,
      x: 0.5,
    });
    raw.close();

    const again = new SqliteStorage(file);
    expect(await again.createStudy('persist', 'minimize')).toBe(id);
    expect(await again.getTrial(id, 0)).toMatchObject({ state: 'COMPLETE', value: 0.5, params: { x: 0.5 }, intermediate: { 0: 1.5 }, systemAttrs: { claimKey: '3' } });
    expect(await again.createTrial(id, { claimKey: '3' })).toBeUndefined();
    expect(((again as unknown as { db: Database.Database }).db.pragma('busy_timeout', { simple: true }) as number) >= 10_000).toBe(true);
    await again.close();
  });
});

describe('openStorage', () => {
  const defaults = { defaultSqlitePath: 'runs/studies.db' };

  test('parses memory:, sqlite:PATH, sqlite:///abs, postgres:// and postgresql://', () => {
    const cwd = '/work/here';
    expect(parseStorageUrl('memory:', defaults, cwd)).toEqual({ kind: 'memory' });
    expect(parseStorageUrl('sqlite:out/s.db', defaults, cwd)).toEqual({ kind: 'sqlite', path: '/work/here/out/s.db' });
    expect(parseStorageUrl('sqlite:./s.db', defaults, cwd)).toEqual({ kind: 'sqlite', path: '/work/here/s.db' });
    expect(parseStorageUrl('sqlite:///abs/s.db', defaults, cwd)).toEqual({ kind: 'sqlite', path: '/abs/s.db' });
    expect(parseStorageUrl('sqlite:/abs/s.db', defaults, cwd)).toEqual({ kind: 'sqlite', path: '/abs/s.db' });
    expect(parseStorageUrl(undefined, defaults, cwd)).toEqual({ kind: 'sqlite', path: '/work/here/runs/studies.db' });
    expect(parseStorageUrl('', defaults, cwd)).toEqual({ kind: 'sqlite', path: '/work/here/runs/studies.db' });
    expect(parseStorageUrl('postgres://u:p@db:5432/x', defaults, cwd)).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/x' });
    expect(parseStorageUrl('postgresql://u@db/x?sslmode=require', defaults, cwd)).toEqual({ kind: 'postgres', url: 'postgresql://u@db/x?sslmode=require' });
  });

  test('an unknown scheme is a ConfigError naming the URL and the accepted forms', async () => {
    for (const url of ['mysql://u@h/db', 'studies.db', 'sqlite:', 'redis://x']) {
      let err: Error | undefined;
      try {
        await openStorage(url, defaults);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.name).toBe('ConfigError');
      expect(err?.message).toContain(`"${url}"`);
      expect(err?.message).toContain('memory:');
      expect(err?.message).toContain('sqlite:PATH');
      expect(err?.message).toContain('postgres://');
    }
  });

  test('opens memory: and sqlite: storages (creating parent directories)', async () => {
    const m = await openStorage('memory:', defaults);
    expect(m).toBeInstanceOf(InMemoryStorage);
    await m.close();
    const file = path.join(tmp, 'opened', 'deep', 'x.db');
    const q = await openStorage(`sqlite:${file}`, defaults);
    expect(q).toBeInstanceOf(SqliteStorage);
    expect(fs.existsSync(file)).toBe(true);
    await q.close();
    const r = await openStorage(`sqlite://${file}`, defaults);
    expect((r as SqliteStorage).file).toBe(file);
    await r.close();
  });

  test('an unreachable PostgreSQL server fails at open, without leaking the password', async () => {
    const err = await openStorage('postgres://vaekit:s3cret@127.0.0.1:1/nowhere', defaults).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect(err!.message).toContain('127.0.0.1:1');
    expect(err!.message).not.toContain('s3cret');
  });

  (PG_URL ? test : test.skip)('opens postgres:// (VAEKIT_TEST_POSTGRES)', async () => {
    const p = await openStorage(PG_URL!, defaults);
    expect(p).toBeInstanceOf(PostgresStorage);
    await p.close();
  });
});
