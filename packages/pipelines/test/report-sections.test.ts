/**
 * The VAE sections of the report: trial metrics and AUCs as table columns, the rate–distortion
 * plane and its Pareto front, latent usage from each trial's metrics.json, the best trials'
 * pictures; and the escaping of user strings in their charts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildReportData, renderReportHtml } from '@vaekit/report';
import type { ReportData, ReportTrial } from '@vaekit/report';
import { openStorage } from '@vaekit/study';
import type { FrozenTrial, ParamValue } from '@vaekit/study';
import { latentUsage, paretoFront, vaeReportSections } from '../src/report';
import type { LatentSectionData, RateDistortionData } from '../src/report';
import { buildStudy, latentEpochs, lcg } from './fixtures/report-study';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-report-'));
const build = (info: Parameters<typeof buildReportData>[0], trials: FrozenTrial[]) => buildReportData(info, trials, { sections: vaeReportSections() });
const latentOf = (d: ReportData) => (d.sections.find((s) => s.id === 'latent')?.data ?? null) as LatentSectionData | null;
const paretoOf = (d: ReportData) => (d.sections.find((s) => s.id === 'rate-distortion')?.data as RateDistortionData | undefined)?.front ?? null;
/** A trial's metrics as the table shows them (the VAE and anomaly sections' columns). */
const metricsOf = (t: ReportTrial) => Object.fromEntries(Object.entries(t.columns).filter(([, v]) => v !== null).map(([k, v]) => [k.replace(/^[a-z-]+:/, ''), v]));

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
  const data = build({ name: NAME, direction: 'minimize', attrs: { metric: 'negElbo', config: '"><script>alert(5)</script>' }, storage: 'sqlite:<b>x</b>' }, trials);

  it('writes no user string raw into the report or the inlined data', () => {
    const html = renderReportHtml(data);
    expect(html).not.toContain(NAME);
    expect(html).not.toMatch(/alert\([2-5]\)<\/script>|<img src=x|<b>x<\/b>/);
    expect(html).not.toMatch(/<\/script><script>alert/);
    // The script elements are ours: vega, vega-lite, the client, the data and the call.
    expect(html.match(/<script/gi)).toHaveLength(5);
    const json = html.match(/<script type="application\/json" id="vaekit-data">([^<]*)<\/script>/)![1];
    const latent = JSON.parse(json).sections.find((s: { id: string }) => s.id === 'latent');
    expect(latent.blocks[1].blocks[0].blocks[0].text).toContain('act=</script><script>alert(3)</script>');
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
    const data = build({ name: 'a', direction: 'maximize', attrs: { metric: 'rocAuc' } }, trials);
    expect(latentOf(data)).toBeNull();
    expect(data.sections).toEqual([]);
    expect(data.best).toEqual([1, 2, 0]);
    // The objective is the value column; PR-AUC is a column of its own.
    expect(data.columns.map((c) => [c.key, c.label])).toEqual([['anomaly:prAuc', 'PR-AUC']]);
    expect(data.trials.map(metricsOf)).toEqual([0.91, 0.95, 0.93].map(() => ({ prAuc: 0.99 })));
  });

  it('holds the best three trials with their pictures as data: URIs, the Pareto front and the learning curves', async () => {
    const dir = tmp();
    const url = `sqlite:${path.join(dir, 'studies.db')}`;
    const storage = await openStorage(url, { defaultSqlitePath: 'unused.db' });
    await buildStudy(storage, 's', dir);
    const st = (await storage.getStudy('s'))!;
    const data = build({ name: 's', direction: st.direction, attrs: st.attrs }, await storage.getTrials(st.id));
    await storage.close();
    expect(data.trials).toHaveLength(10);
    expect(data.counts).toMatchObject({ COMPLETE: 8, PRUNED: 1, FAIL: 1 });
    const complete = data.trials.filter((t) => t.state === 'COMPLETE').sort((a, b) => a.value! - b.value!);
    expect(data.best).toEqual(complete.slice(0, 3).map((t) => t.number));
    for (const n of data.best) {
      const t = data.trials.find((x) => x.number === n)!;
      expect(t.images!.map((i) => i.name)).toEqual(['reconstructions', 'samples', 'traversals']);
      expect(t.images![1].src).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    }
    expect(data.trials.filter((t) => t.images)).toHaveLength(3);
    expect(paretoOf(data)!.length).toBeGreaterThan(0);
    expect(data.pictureNotes).toEqual([expect.stringMatching(/^inputs above their reconstructions/)]);
    expect(data.columns.map((c) => c.label)).toEqual(['recon', 'KL', 'active units', 'MI']);
    expect(data.sections.map((s) => s.id)).toEqual(['rate-distortion', 'latent']);
    expect(data.trials[0].curve).toHaveLength(4);
    expect(data.params.map((p) => p.name).sort()).toEqual(['model.beta', 'model.encoder.activation', 'model.latentDim', 'train.optimizer.lr']);
    expect(data.charts.map((c) => c.id)).toEqual([
      'history', 'importance', 'slice-0', 'slice-1', 'slice-2', 'slice-3', 'parallel', 'rd',
      'latent-summary', 'latent-0', 'latent-1', 'latent-3', 'latent-4', 'latent-5', 'latent-6', 'latent-8', 'latent-9', 'curves',
    ]);
    // Latent usage from each trial's metrics.json: the pruned trial's 2 epochs, the others' 4.
    expect(latentOf(data)!.shown).toEqual([0, 1, 3, 4, 5, 6, 8, 9]);
    expect(latentOf(data)!.missing).toEqual([
      { number: 2, state: 'COMPLETE', reason: 'no validation metrics per epoch (KL per dimension) in its metrics.json' },
      { number: 7, state: 'FAIL', reason: 'no trial folder recorded' },
    ]);
    expect(latentOf(data)!.baseline).toBeNull();
    const t0 = data.trials[0];
    const u0 = latentOf(data)!.usage[0];
    expect(u0.dims).toBe(t0.params['model.latentDim']);
    expect(u0.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(latentOf(data)!.usage[4].epochs).toHaveLength(2);
    const heat = data.charts.find((c) => c.id === 'latent-0')!;
    expect(heat.title).toBe(`trial 0: ${Object.entries(t0.params).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(5) : v}`).join(', ')} — ${u0.epochs[3].activeUnits} of ${u0.dims} active units`);
    const cells = ((heat.spec.vconcat as Array<Record<string, unknown>>)[0].data as { values: unknown[] }).values;
    expect(cells).toHaveLength(4 * u0.dims);
    expect((heat.spec.vconcat as Array<Record<string, unknown>>)[0].mark).toEqual({ type: 'rect' });
    expect(latentOf(data)!.maxKl).toBe(Math.max(...Object.values(latentOf(data)!.usage).flatMap((u) => u.epochs.flatMap((e) => e.klPerDim))));
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
    const data = build({ name: 'collapse', direction: 'maximize', attrs: { metric: 'activeUnits' } }, trials);
    expect(latentOf(data)).toMatchObject({ shown: [0, 1, 2, 3], baseline: 0, maxKl: 2 });
    expect(latentOf(data)!.missing).toEqual([{ number: 4, state: 'RUNNING', reason: 'still running: its folder is recorded when it finishes' }]);
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
    expect(latentOf(build({ name: 'plain', direction: 'minimize', attrs: {} }, [trial(0, { x: 0.5 }, 1)]))).toBeNull();
  });
});
