/**
 * The VAE sections of the report and the dashboard in a real browser (Debian's chromium through
 * playwright-core): a small study written straight into SQLite (no VAE trained), the report
 * opened from disk with the network cut off, then the dashboard, live. The pages run the client
 * that @vaekit/report's build compiles (dist/client; `npm test` builds first). Skipped, with a
 * note, where /usr/bin/chromium is missing.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { chartMarks, describeWithChromium, launchChromium, waitForCharts, watchedPage, type Browser } from '../../report/test/fixtures/browser';
import { openStorage } from '@vaekit/study';
import type { VaekitStorage } from '@vaekit/study';
import { runReport, startDashboard } from '@vaekit/report';
import type { Dashboard } from '@vaekit/report';
import { vaeReportSections } from '../src/report';
import { addTrial, buildStudy } from './fixtures/report-study';

const ARTIFACTS = path.join(os.tmpdir(), 'vaekit-pipelines-report-artifacts');
const NAME = '<script>alert(1)</script>';
const maybe = describeWithChromium('pipelines report-browser.test');

maybe('the report and the dashboard in chromium', () => {
  let dir: string;
  let browser: Browser;
  let storage: VaekitStorage;
  let dashboard: Dashboard | undefined;
  let url: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-report-'));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    url = `sqlite:${path.join(dir, 'studies.db')}`;
    storage = await openStorage(url, { defaultSqlitePath: 'unused.db' });
    await buildStudy(storage, NAME, dir);
    await buildStudy(storage, 'plain', dir);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await dashboard?.close();
    await browser?.close();
    await storage?.close();
  });

  it('opens the report from disk without network: every chart drawn, pictures loaded, names escaped, table sortable', async () => {
    const file = await runReport({ study: NAME, storage: url, out: path.join(dir, 'report.html'), sections: vaeReportSections() });
    const html = fs.readFileSync(file, 'utf8');
    expect(html).not.toContain(NAME);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    const { page, problems, dialogs, blocked, context } = await watchedPage(browser, (u) => u.startsWith('file:') || u.startsWith('data:'));
    await page.goto('file://' + file);
    await waitForCharts(page);
    await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
    const charts = await chartMarks(page);
    expect(charts.map((c) => c.id)).toEqual(
      expect.arrayContaining(['history', 'importance', 'slice-0', 'slice-1', 'slice-2', 'slice-3', 'parallel', 'rd', 'curves']),
    );
    for (const c of charts) expect({ id: c.id, error: c.error, drawn: c.marks > 0 }).toEqual({ id: c.id, error: '', drawn: true });

    // Latent usage: the bar chart, then one heat map (rect marks) per trial with metrics per epoch, by trial number.
    const latent = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#latent [data-chart]')).map((c) => ({
        id: c.getAttribute('data-chart'),
        rects: c.querySelectorAll('svg g.role-mark > path').length,
        cells: c.querySelectorAll('svg g.mark-rect.role-mark > path').length,
        heading: c.parentElement!.querySelector('h3')?.textContent ?? '',
      })),
    );
    expect(latent.map((c) => c.id)).toEqual(['latent-summary', 'latent-0', 'latent-1', 'latent-3', 'latent-4', 'latent-5', 'latent-6', 'latent-8', 'latent-9']);
    for (const c of latent.slice(1)) {
      expect(c.cells).toBeGreaterThan(0);
      expect(c.heading).toMatch(/^trial \d+: model\.beta=.* — \d+ of \d+ active units/);
    }
    expect(latent[0].rects).toBeGreaterThanOrEqual(8); // a bar per trial shown
    expect(latent.find((c) => c.id === 'latent-4')!.heading).toMatch(/\(PRUNED\)$/);
    expect(await page.textContent('#latent')).toContain('<i>tanh</i>');
    expect(await page.$$eval('#latent ul.latent-missing li', (li) => li.map((l) => l.textContent))).toEqual([
      'trial 2 (COMPLETE): no validation metrics per epoch (KL per dimension) in its metrics.json',
      'trial 7 (FAIL): no trial folder recorded',
    ]);

    const images = await page.evaluate(() => Array.from(document.querySelectorAll('#best img')).map((i) => (i as HTMLImageElement).naturalWidth));
    expect(images).toHaveLength(9);
    for (const w of images) expect(w).toBeGreaterThan(0);

    // The name is shown as text, nothing it holds ran or became an element.
    expect(await page.textContent('header h1')).toBe(`Study ${NAME}`);
    expect(await page.evaluate(() => document.querySelectorAll('main script, main i, main b').length)).toBe(0);
    expect(await page.textContent('#trials table')).toContain('<i>tanh</i>');
    expect(await page.textContent('#trials table')).toContain('<b>loss is NaN</b>');

    // Sorting by the objective, then reversing.
    const firstCol = () => page.$$eval('#trials tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-trial'))));
    expect(await firstCol()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await page.click('#trials th[data-key="value"]');
    const values = await page.$$eval('#trials tbody tr td:nth-child(3)', (tds) => tds.map((t) => t.textContent));
    const nums = values.filter((v) => v !== '\u2014').map(Number);
    expect(nums).toEqual([...nums].sort((a, b) => a - b));
    expect(values[values.length - 1]).toBe('\u2014'); // the failed trial, no value, last
    await page.click('#trials th[data-key="value"]');
    const desc = (await page.$$eval('#trials tbody tr td:nth-child(3)', (tds) => tds.map((t) => t.textContent))).filter((v) => v !== '\u2014').map(Number);
    expect(desc).toEqual([...nums].reverse());

    expect(await page.$$eval('main > section', (e) => e.map((x) => x.id))).toEqual(['summary', 'history', 'importance', 'slices', 'parallel', 'rate-distortion', 'latent', 'curves', 'trials', 'best']);
    expect(await page.$$eval('#trials th', (th) => th.map((e) => e.textContent))).toEqual(expect.arrayContaining(['recon', 'KL', 'active units', 'MI']));
    await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
    expect(blocked).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('serves the dashboard on 127.0.0.1 only, and shows a trial that finishes after the page loaded', async () => {
    dashboard = await startDashboard({ storage, storageLabel: url, port: 0, sections: vaeReportSections() });
    const addr = dashboard.server.address() as AddressInfo;
    expect(addr.address).toBe('127.0.0.1');
    // Bound to the loopback address only: the kernel refuses connections arriving on any other
    // interface (the test sends nothing off loopback).
    // A request naming another host (DNS rebinding) is refused too.
    const status = await new Promise<number>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: addr.port, path: '/api/studies', headers: { Host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );
    expect(status).toBe(403);

    const origin = `http://127.0.0.1:${addr.port}`;
    const { page, problems, dialogs, blocked, context } = await watchedPage(browser, (u) => u.startsWith(origin + '/') || u.startsWith('data:'));
    await page.goto(origin + '/');
    expect(await page.$$eval('table.studies a', (as) => as.map((a) => a.textContent))).toEqual(expect.arrayContaining([NAME, 'plain']));
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-index.png'), fullPage: true });
    await page.click(`table.studies a:text-is("${NAME.replace(/"/g, '\\"')}")`);
    await page.waitForSelector('#trials tbody tr');
    await waitForCharts(page);
    expect(await page.textContent('header h1')).toBe(`Study ${NAME}`);
    expect(await page.$$eval('#trials tbody tr', (r) => r.length)).toBe(10);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    // Another writer (as a search's worker would be) finishes a trial.
    const writer = await openStorage(url, { defaultSqlitePath: 'unused.db' });
    const id = (await writer.getStudy(NAME))!.id;
    const n = await addTrial(writer, id, dir, 10);
    await writer.close();
    await page.waitForSelector(`#trials tbody tr[data-trial="${n}"]`, { timeout: 10000 });
    await waitForCharts(page);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42); // no reload
    const live = await chartMarks(page);
    expect(live.map((c) => c.id)).toContain(`latent-${n}`);
    for (const c of live) expect({ id: c.id, drawn: c.marks > 0 }).toEqual({ id: c.id, drawn: true });
    const images = await page.evaluate(() => Array.from(document.querySelectorAll('#best img')).map((i) => (i as HTMLImageElement).naturalWidth));
    expect(images.length).toBe(9);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#best img')).every((i) => (i as HTMLImageElement).naturalWidth > 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-study.png'), fullPage: true });
    expect(blocked).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
