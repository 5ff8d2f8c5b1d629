/**
 * The study report: parameter importance, the rate–distortion Pareto front, escaping of user
 * strings in the pages, the report data.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openStorage } from '@vaekit/study';
import type { FrozenTrial, ParamValue } from '@vaekit/study';
import { buildReportData, epsilonSquared, escapeHtml, jsonForScript, latentUsage, paramImportance, paretoFront, renderDashboardIndex, renderDashboardStudyPage, renderReportHtml } from '../src';
import { buildStudy, latentEpochs, lcg } from './fixtures/report-study';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-report-'));

function trial(number: number, params: Record<string, ParamValue>, value: number | undefined, state: FrozenTrial['state'] = 'COMPLETE'): FrozenTrial {
  return {
    number,
    state,
    params,
    distributions: {
      x: { type: 'float', low: 0, high: 1 },
      lr: { type: 'float', low: 1e-5, high: 1e-1, log: true },
      act: { type: 'categorical', choices: ['relu', 'tanh', 'elu'] },
      noise: { type: 'int', low: 0, high: 100 },
    },
    ...(value === undefined ? {} : { value }),
    intermediate: {},
    userAttrs: {},
    systemAttrs: {},
  };
}

describe('parameter importance', () => {
  const rnd = lcg(7);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 60; i++) {
    const x = rnd();
    const lr = Math.exp(Math.log(1e-5) + rnd() * Math.log(1e4));
    const act = ['relu', 'tanh', 'elu'][Math.floor(rnd() * 3)];
    const noise = Math.floor(rnd() * 101);
    // x drives the objective; act a little; lr and noise not at all.
    trials.push(trial(i, { x, lr, act, noise }, 10 * (x - 0.3) ** 2 + (act === 'elu' ? 1.5 : 0) + 0.2 * rnd()));
  }

  it('ranks the parameter that drives the objective first, and gives the inert ones little', () => {
    const imp = paramImportance(trials);
    expect(imp.map((i) => i.param)[0]).toBe('x');
    const by = Object.fromEntries(imp.map((i) => [i.param, i]));
    expect(by.x.importance).toBeGreaterThan(0.5);
    expect(by.act.importance).toBeGreaterThan(by.lr.importance);
    expect(by.lr.importance).toBeLessThan(0.1);
    expect(by.noise.importance).toBeLessThan(0.1);
    expect(by.act.groups).toBe(3);
    expect(by.x.groups).toBe(7); // √60 quantile bins
    for (const i of imp) expect(i.estimable).toBe(true);
  });

  it('uses COMPLETE trials with a value only, and is 0 where it cannot be estimated', () => {
    const extra = [...trials, trial(60, { x: 0.3, lr: 1e-3, act: 'relu', noise: 1 }, 1e6, 'PRUNED'), trial(61, { x: 0.9, lr: 1e-3, act: 'relu', noise: 1 }, undefined, 'FAIL')];
    expect(paramImportance(extra)).toEqual(paramImportance(trials));
    // One trial per choice: every trial its own group would explain everything.
    const few = ['relu', 'tanh', 'elu'].map((a, i) => trial(i, { act: a }, i));
    expect(paramImportance(few)).toEqual([expect.objectContaining({ param: 'act', importance: 0, estimable: false, groups: 3 })]);
    // A numeric grid with one trial per point is split in quantile bins instead.
    const grid = [0.25, 0.5, 1, 2].map((b, i) => trial(i, { beta: b }, i));
    expect(paramImportance(grid)).toEqual([expect.objectContaining({ param: 'beta', groups: 2, estimable: true })]);
    expect(epsilonSquared([1, 1, 1, 1], [0, 0, 1, 1])).toBe(0);
    expect(epsilonSquared([0, 0, 10, 10], [0, 0, 1, 1])).toBe(1);
  });
});

describe('rate–distortion Pareto front', () => {
  it('keeps exactly the non-dominated points, by rate', () => {
    const pts = [
      { id: 0, rate: 1, distortion: 10 },
      { id: 1, rate: 2, distortion: 8 },
      { id: 2, rate: 3, distortion: 9 }, // dominated by 1
      { id: 3, rate: 5, distortion: 4 },
      { id: 4, rate: 5, distortion: 5 }, // dominated by 3 (same rate)
      { id: 5, rate: 0.5, distortion: 12 },
      { id: 6, rate: 8, distortion: 4 }, // dominated by 3 (same distortion)
      { id: 7, rate: NaN, distortion: 1 },
      { id: 8, rate: 2, distortion: 8 }, // ties 1: neither dominates
    ];
    expect(paretoFront(pts).map((p) => p.id)).toEqual([5, 0, 1, 8, 3]);
    expect(paretoFront([])).toEqual([]);
  });
});

describe('escaping', () => {
  const NAME = '<script>alert(1)</script>';
  const evil = (n: number, v: number, act: string): FrozenTrial => ({
    ...trial(n, { '<img src=x onerror=alert(2)>': v, act }, v),
    distributions: { '<img src=x onerror=alert(2)>': { type: 'float', low: 0, high: 1 }, act: { type: 'categorical', choices: ['</script><script>alert(3)</script>', 'a&b'] } },
    error: undefined,
    userAttrs: { metrics: { split: 'validation', validation: { negElbo: v, recon: v, kl: 1 - v } } },
  });
  // Trial 0 has a folder with per-epoch latent metrics, so its heat map's title carries the strings too.
  const evilDir = tmp();
  fs.writeFileSync(path.join(evilDir, 'metrics.json'), JSON.stringify({ epochs: latentEpochs(4, 2, 1, lcg(3)) }));
  const first = evil(0, 0.1, '</script><script>alert(3)</script>');
  first.userAttrs.dir = evilDir;
  const trials = [first, evil(1, 0.5, 'a&b'), evil(2, 0.9, 'a&b'), { ...trial(3, {}, undefined, 'FAIL'), error: '<script>alert(4)</script>' }];
  const data = buildReportData({ name: NAME, direction: 'minimize', attrs: { metric: 'negElbo', config: '"><script>alert(5)</script>' }, storage: 'sqlite:<b>x</b>' }, trials);

  it('writes no user string raw into the report, the dashboard pages or the inlined data', () => {
    for (const html of [renderReportHtml(data), renderDashboardStudyPage(NAME), renderDashboardIndex([{ name: NAME, direction: 'minimize', counts: { COMPLETE: 1, PRUNED: 0, FAIL: 0, RUNNING: 0, WAITING: 0 } }], 'sqlite:<b>x</b>')]) {
      expect(html).not.toContain(NAME);
      expect(html).not.toMatch(/alert\([2-5]\)<\/script>|<img src=x|<b>x<\/b>/);
      expect(html).not.toMatch(/<\/script><script>alert/);
    }
    const html = renderReportHtml(data);
    expect(html).toContain(`<title>vaekit study ${escapeHtml(NAME)}</title>`);
    expect(html).toContain(`<h1>Study &lt;script&gt;alert(1)&lt;/script&gt;</h1>`);
    // The script elements are ours: vega, vega-lite, the client, the data and the call.
    expect(html.match(/<script/gi)).toHaveLength(5);
    expect(html.match(/<\/script/gi)).toHaveLength(5);
    // The inlined JSON gives the strings back unchanged.
    const json = html.match(/<script type="application\/json" id="vaekit-data">([^<]*)<\/script>/)![1];
    const back = JSON.parse(json);
    expect(back.study.name).toBe(NAME);
    expect(back.trials[0].params.act).toBe('</script><script>alert(3)</script>');
    expect(jsonForScript('<!-- </script> & \u2028')).toBe('"\\u003c!-- \\u003c/script\\u003e \\u0026 \\u2028"');
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('builds the charts from fixed field names, whatever the parameters are called', () => {
    const text = JSON.stringify(data.charts.map((c) => c.spec));
    expect(text).not.toMatch(/"field":"<img/);
    expect(data.charts.map((c) => c.id)).toEqual(['history', 'importance', 'slice-0', 'slice-1', 'parallel', 'rd', 'latent-summary', 'latent-0']);
    // User strings reach the latent charts as data values and titles only.
    expect(data.charts.find((c) => c.id === 'latent-0')!.title).toContain('act=</script><script>alert(3)</script>');
    expect(text).not.toMatch(/"(field|filter|test|expr|calculate)":"[^"]*(script|img)/);
  });
});

describe('report data', () => {
  it('an anomaly study: the AUCs are the trials\' metrics, and there is no latent-usage section', () => {
    const dir = tmp();
    const trials = [0.91, 0.95, 0.93].map((v, i) => ({
      ...trial(i, { x: i / 4 }, v),
      userAttrs: { dir: path.join(dir, `trial-${i}`), metrics: { split: 'validation', validation: { rocAuc: v, prAuc: 0.99 }, test: { rocAuc: v + 0.01, prAuc: 0.99 } } },
    }));
    const data = buildReportData({ name: 'a', direction: 'maximize', attrs: { metric: 'rocAuc' } }, trials);
    expect(data.latent).toBeNull();
    expect(data.best).toEqual([1, 2, 0]);
    expect(data.trials.map((t) => t.metrics)).toEqual([0.91, 0.95, 0.93].map((v) => ({ rocAuc: v, prAuc: 0.99 })));
    expect(data.trials.every((t) => t.split === 'validation')).toBe(true);
  });

  it('holds the best three trials with their pictures as data: URIs, the Pareto front and the learning curves', async () => {
    const dir = tmp();
    const url = `sqlite:${path.join(dir, 'studies.db')}`;
    const storage = await openStorage(url, { defaultSqlitePath: 'unused.db' });
    await buildStudy(storage, 's', dir);
    const st = (await storage.getStudy('s'))!;
    const data = buildReportData({ name: 's', direction: st.direction, attrs: st.attrs }, await storage.getTrials(st.id));
    await storage.close();
    expect(data.trials).toHaveLength(10);
    expect(data.counts).toMatchObject({ COMPLETE: 8, PRUNED: 1, FAIL: 1 });
    const complete = data.trials.filter((t) => t.state === 'COMPLETE').sort((a, b) => a.value! - b.value!);
    expect(data.best).toEqual(complete.slice(0, 3).map((t) => t.number));
    for (const n of data.best) {
      const t = data.trials.find((x) => x.number === n)!;
      expect(Object.keys(t.images!).sort()).toEqual(['reconstructions', 'samples', 'traversals']);
      expect(t.images!.samples).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    }
    expect(data.trials.filter((t) => t.images)).toHaveLength(3);
    expect(data.pareto!.length).toBeGreaterThan(0);
    expect(data.trials[0].curve).toHaveLength(4);
    expect(data.params.map((p) => p.name).sort()).toEqual(['model.beta', 'model.encoder.activation', 'model.latentDim', 'train.optimizer.lr']);
    expect(data.charts.map((c) => c.id)).toEqual([
      'history', 'importance', 'slice-0', 'slice-1', 'slice-2', 'slice-3', 'parallel', 'rd',
      'latent-summary', 'latent-0', 'latent-1', 'latent-3', 'latent-4', 'latent-5', 'latent-6', 'latent-8', 'latent-9', 'curves',
    ]);
    // Latent usage from each trial's metrics.json: the pruned trial's 2 epochs, the others' 4.
    expect(data.latent!.shown).toEqual([0, 1, 3, 4, 5, 6, 8, 9]);
    expect(data.latent!.missing).toEqual([
      { number: 2, state: 'COMPLETE', reason: 'no validation metrics per epoch (KL per dimension) in its metrics.json' },
      { number: 7, state: 'FAIL', reason: 'no trial folder recorded' },
    ]);
    expect(data.latent!.baseline).toBeNull();
    const t0 = data.trials[0];
    expect(t0.latent!.dims).toBe(t0.params['model.latentDim']);
    expect(t0.latent!.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(data.trials[4].latent!.epochs).toHaveLength(2);
    const heat = data.charts.find((c) => c.id === 'latent-0')!;
    expect(heat.title).toBe(`trial 0: ${Object.entries(t0.params).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(5) : v}`).join(', ')} — ${t0.latent!.epochs[3].activeUnits} of ${t0.latent!.dims} active units`);
    const cells = ((heat.spec.vconcat as Array<Record<string, unknown>>)[0].data as { values: unknown[] }).values;
    expect(cells).toHaveLength(4 * t0.latent!.dims);
    expect((heat.spec.vconcat as Array<Record<string, unknown>>)[0].mark).toEqual({ type: 'rect' });
    expect(data.latent!.maxKl).toBe(Math.max(...data.trials.flatMap((t) => (t.latent ? t.latent.epochs.flatMap((e) => e.klPerDim) : []))));
  });
});

describe('latent usage', () => {
  it('reads KL per dimension, active units and I(x;z) per epoch from metrics.json, skipping epochs without validation', () => {
    const metrics = {
      config: {},
      epochs: [
        { epoch: 2, validation: { klPerDim: [1.234567, 0.0001234567], activeUnits: 1, mutualInfo: 0.98765 } },
        { epoch: 1, validation: { klPerDim: [0.5, 0.25, 0.125], activeUnits: 3 } },
        { epoch: 3, train: { loss: 1 } },
        { epoch: 4, validation: { klPerDim: [1, null] } },
        { epoch: 5, validation: { klPerDim: [] } },
      ],
    };
    expect(latentUsage(metrics)).toEqual({
      dims: 3,
      epochs: [
        { epoch: 1, klPerDim: [0.5, 0.25, 0.125], activeUnits: 3, mutualInfo: null },
        { epoch: 2, klPerDim: [1.235, 0.0001235], activeUnits: 1, mutualInfo: 0.9877 },
      ],
    });
    expect(latentUsage({ epochs: [{ epoch: 1 }] })).toBeNull();
    expect(latentUsage({})).toBeNull();
    expect(latentUsage(null)).toBeNull();
    expect(latentUsage({ epochs: 'x' })).toBeNull();
  });

  it('finds the no-remedy run of a collapse grid and colours each remedy against it', () => {
    const dir = tmp();
    const grid: Array<[string, number, number]> = [
      ['constant', 0, 5],
      ['constant', 1, 20],
      ['linear', 0, 5],
      ['cyclical', 0, 3],
    ];
    const trials: FrozenTrial[] = grid.map(([kind, fb, au], n) => {
      const tdir = path.join(dir, `trial-${n}`);
      fs.mkdirSync(tdir);
      const epochs = [1, 2, 3].map((epoch) => ({ epoch, validation: { klPerDim: Array.from({ length: 32 }, (_, d) => (d < au ? 2 : 0.01 * epoch)), activeUnits: au, mutualInfo: au / 4 } }));
      fs.writeFileSync(path.join(tdir, 'metrics.json'), JSON.stringify({ epochs }));
      return { ...trial(n, { 'model.klSchedule.kind': kind, 'model.freeBits': fb }, au), userAttrs: { dir: tdir } };
    });
    trials.push({ ...trial(4, { 'model.klSchedule.kind': 'linear', 'model.freeBits': 1 }, undefined, 'RUNNING') });
    const data = buildReportData({ name: 'collapse', direction: 'maximize', attrs: { metric: 'activeUnits' } }, trials);
    expect(data.latent).toMatchObject({ shown: [0, 1, 2, 3], baseline: 0, maxKl: 2 });
    expect(data.latent!.missing).toEqual([{ number: 4, state: 'RUNNING', reason: 'still running: its folder is recorded when it finishes' }]);
    const bars = data.charts.find((c) => c.id === 'latent-summary')!;
    const rows = (bars.spec.data as { values: Array<Record<string, unknown>> }).values;
    expect(rows.map((r) => [r.trial, r.au, r.vs])).toEqual([
      [0, 5, 'no remedy'],
      [1, 20, 'more than no remedy'],
      [2, 5, 'as many as no remedy'],
      [3, 3, 'fewer than no remedy'],
    ]);
    expect(rows[1].label).toBe('trial 1: model.klSchedule.kind=constant, model.freeBits=1');
    expect(rows[1].text).toBe('20 of 32 · I(x;z) 5.00 nats');
    expect(data.charts.find((c) => c.id === 'latent-1')!.title).toBe('trial 1: model.klSchedule.kind=constant, model.freeBits=1 — 20 of 32 active units');
    // The dashed rule sits at the no-remedy run's count.
    expect(JSON.stringify(bars.spec)).toContain('"data":{"values":[{"au":5}]},"mark":{"type":"rule"');
    // A study that is not a VAE's (no folders, no KL) has no latent section at all.
    expect(buildReportData({ name: 'plain', direction: 'minimize', attrs: {} }, [trial(0, { x: 0.5 }, 1)]).latent).toBeNull();
  });
});
