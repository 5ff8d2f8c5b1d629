/**
 * The study report: parameter importance, escaping of user strings in the pages, the report data
 * of a plain study, and sections registered from outside (test/fixtures/sections.ts).
 *
 * The pages inline the browser client compiled from src/client by the package build
 * (dist/client/vaekit-client.js, found by src/assets.ts from src/ as well): `npm test` and
 * `npx nx run report:test` build first; after changing src/client, run `npx nx run report:build`
 * before a plain `npx jest`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, createStudy, openStorage } from '@vaekit/study';
import type { FrozenTrial, ParamValue } from '@vaekit/study';
import { buildReportData, epsilonSquared, escapeHtml, jsonForScript, paramImportance, renderDashboardIndex, renderDashboardStudyPage, renderReportHtml, ReportSections, writeReportFile } from '../src';
import type { ReportSection } from '../src';
import { buildStudy, lcg, PICTURES } from './fixtures/report-study';
import { qualitySection, testSections } from './fixtures/sections';

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

describe('escaping', () => {
  const NAME = '<script>alert(1)</script>';
  const evil = (n: number, v: number, act: string): FrozenTrial => ({
    ...trial(n, { '<img src=x onerror=alert(2)>': v, act }, v),
    distributions: { '<img src=x onerror=alert(2)>': { type: 'float', low: 0, high: 1 }, act: { type: 'categorical', choices: ['</script><script>alert(3)</script>', 'a&b'] } },
    error: undefined,
    userAttrs: { quality: { rate: 1 - v, distortion: v } },
  });
  const trials = [evil(0, 0.1, '</script><script>alert(3)</script>'), evil(1, 0.5, 'a&b'), evil(2, 0.9, 'a&b'), { ...trial(3, {}, undefined, 'FAIL'), error: '<script>alert(4)</script>' }];
  // The quality section puts the parameters into chart titles, headings and data values.
  const data = buildReportData({ name: NAME, direction: 'minimize', attrs: { metric: 'distortion', config: '"><script>alert(5)</script>' }, storage: 'sqlite:<b>x</b>' }, trials, { sections: testSections() });

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
    expect(data.charts.map((c) => c.id)).toEqual(['history', 'importance', 'slice-0', 'slice-1', 'parallel', 'quality-all', 'quality-0', 'quality-1', 'quality-2']);
    // User strings reach the section's charts as data values and titles only.
    expect(data.charts.find((c) => c.id === 'quality-0')!.title).toContain('act=</script><script>alert(3)</script>');
    expect(text).not.toMatch(/"(field|filter|test|expr|calculate)":"[^"]*(script|img)/);
  });
});

describe('report data', () => {
  it('a study of a plain function (no trial folders, no sections) gives a complete report with only the study\'s own views', async () => {
    const study = createStudy({ name: 'quadratic', direction: 'minimize', sampler: { name: 'tpe', seed: 1 }, storage: 'memory:' });
    await study.optimize(
      async (t) => {
        const x = await t.suggestFloat('x', -5, 5);
        const y = await t.suggestInt('y', -3, 3);
        for (let s = 1; s <= 3; s++) await t.report((x - 2) ** 2 + y * y + 1 / s, s);
        return (x - 2) ** 2 + y * y;
      },
      { nTrials: 12 },
    );
    const dir = tmp();
    const { file, data } = writeReportFile(path.join(dir, 'r.html'), { name: study.name, direction: study.direction, attrs: {} }, study.trials);
    expect(data.counts.COMPLETE).toBe(12);
    expect(data.best).toHaveLength(3);
    expect(data.study.metric).toBe('value');
    expect(data.charts.map((c) => c.id)).toEqual(['history', 'importance', 'slice-0', 'slice-1', 'parallel', 'curves']);
    expect(data.sections).toEqual([]);
    expect(data.columns).toEqual([]);
    expect(data.pictureNotes).toEqual([]);
    expect(data.trials.every((t) => t.images === undefined && t.missingImages === undefined && Object.keys(t.columns).length === 0)).toBe(true);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('<h1>Study quadratic</h1>');
    expect(html).toContain('window.vaekitRender');
    expect(html).not.toMatch(/latent|rate.distortion|reconstruction/i);

    // Sections that do not apply (no quality attribute) add nothing and fail nothing; pictures are looked for in no folder.
    const withSections = buildReportData({ name: 'q', direction: 'minimize', attrs: {} }, study.trials, { sections: testSections() });
    expect(withSections.sections).toEqual([]);
    expect(withSections.columns).toEqual([]);
    expect(withSections.charts.map((c) => c.id)).toEqual(data.charts.map((c) => c.id));
    for (const n of withSections.best) expect(withSections.trials.find((t) => t.number === n)!.missingImages).toEqual(PICTURES.map((p) => `${p}.png`));
  });

  it('shows a registered section: its view, charts, table columns and pictures, in registration order', async () => {
    const dir = tmp();
    const url = `sqlite:${path.join(dir, 'studies.db')}`;
    const storage = await openStorage(url, { defaultSqlitePath: 'unused.db' });
    await buildStudy(storage, 's', dir);
    const st = (await storage.getStudy('s'))!;
    const trials = await storage.getTrials(st.id);
    await storage.close();
    const atEnd: ReportSection = { id: 'footer', place: 'end', build: () => ({ title: 'Footer', blocks: [{ type: 'text', text: 'the end' }] }) };
    const data = buildReportData({ name: 's', direction: st.direction, attrs: st.attrs }, trials, { sections: testSections().register(atEnd) });
    expect(data.trials).toHaveLength(10);
    expect(data.counts).toMatchObject({ COMPLETE: 8, PRUNED: 1, FAIL: 1 });
    const complete = data.trials.filter((t) => t.state === 'COMPLETE').sort((a, b) => a.value! - b.value!);
    expect(data.best).toEqual(complete.slice(0, 3).map((t) => t.number));
    expect(data.sections.map((s) => [s.id, s.title, s.place])).toEqual([
      ['quality', 'Quality', 'analysis'],
      ['footer', 'Footer', 'end'],
    ]);
    expect(data.sections[0].css).toContain('.quality-cell');
    expect(data.sections[0].data).toEqual({ shown: [0, 1, 2, 3, 4, 5, 6, 8, 9] });
    expect((data.sections[0].blocks[3] as { items: string[] }).items).toEqual(['trial 7 (FAIL)']);
    // The section's charts come between the study's own, before the learning curves.
    expect(data.charts.map((c) => c.id)).toEqual([
      'history', 'importance', 'slice-0', 'slice-1', 'slice-2', 'slice-3', 'parallel',
      'quality-all', 'quality-0', 'quality-1', 'quality-2', 'quality-3', 'quality-4', 'quality-5', 'quality-6', 'quality-8', 'quality-9', 'curves',
    ]);
    expect(data.charts.filter((c) => c.id.startsWith('quality')).every((c) => c.section === 'quality')).toBe(true);
    // Columns with a value for some trial; "never shown" has none.
    expect(data.columns).toEqual([
      { key: 'quality:rate', label: 'rate', section: 'quality' },
      { key: 'quality:distortion', label: 'distortion', section: 'quality' },
    ]);
    expect(data.trials[7].columns).toEqual({ 'quality:rate': null, 'quality:distortion': null });
    expect(data.trials[0].columns['quality:rate']).toBe((trials[0].userAttrs.quality as { rate: number }).rate);
    // The best three trials' pictures, as data: URIs.
    expect(data.pictureNotes).toEqual(['three test pictures']);
    for (const n of data.best) {
      const t = data.trials.find((x) => x.number === n)!;
      expect(t.images!.map((i) => [i.section, i.name])).toEqual(PICTURES.map((p) => ['pictures', p]));
      expect(t.images![1].src).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
      expect(t.missingImages).toEqual([]);
    }
    expect(data.trials.filter((t) => t.images)).toHaveLength(3);
    expect(data.trials[0].curve).toHaveLength(4);
  });

  it('refuses a section id that is malformed, taken, or one of the report\'s own', () => {
    const reg = new ReportSections([qualitySection]);
    expect(() => reg.register(qualitySection)).toThrow(ConfigError);
    expect(() => reg.register({ id: 'trials' })).toThrow(/report's own sections/);
    expect(() => reg.register({ id: 'Bad id' })).toThrow(ConfigError);
    expect(reg.list().map((s) => s.id)).toEqual(['quality']);
    const twice: ReportSection = { id: 'twice', build: () => ({ title: 't', charts: [{ id: 'history', title: 'h', spec: {} }], blocks: [] }) };
    expect(() => buildReportData({ name: 'x', direction: 'minimize', attrs: {} }, [trial(0, { x: 0.5 }, 1)], { sections: [twice] })).toThrow(/two charts have the id "history"/);
  });
});
