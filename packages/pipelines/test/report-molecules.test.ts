/**
 * The molecules section of the report: a SMILES study's trial folders hold samples.svg (drawn at
 * training time), shown for the best trials after re-writing; a study of other models has no such
 * section; a hostile, malformed or oversized picture shows nothing that runs; without
 * @vaekit/molecules installed the section is left out. The page in chromium draws the molecules
 * and runs nothing from a tampered picture. And the picture a training run writes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildReportData, renderReportHtml } from '@vaekit/report';
import type { ReportData } from '@vaekit/report';
import type { FrozenTrial } from '@vaekit/study';
import { moleculeGridSvg } from '@vaekit/molecules';
import { describeWithChromium, launchChromium, watchedPage } from '../../report/test/fixtures/browser';
import { MAX_PICTURE_BYTES, vaeReportSections } from '../src/report';
import { writeMoleculePicture } from '../src/text/molecule-picture';
import { MOLECULES_PICTURE_FILE } from '../src/text/molecules-optional';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-report-molecules-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A COMPLETE trial whose folder holds `files`. */
function trial(number: number, value: number, files: Record<string, string | Buffer>): FrozenTrial {
  const dir = path.join(root, `t${number}-${Math.random().toString(36).slice(2)}`);
  fs.mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return { number, state: 'COMPLETE', params: {}, distributions: {}, value, intermediate: {}, userAttrs: { dir }, systemAttrs: {} };
}

const build = (trials: FrozenTrial[], sections = vaeReportSections().list()): ReportData => buildReportData({ name: 's', direction: 'minimize', attrs: {} }, trials, { sections });
const html = (d: ReportData) => (d.sections.find((s) => s.id === 'molecules')?.blocks ?? []).map((b) => (b.type === 'html' ? b.html : b.type === 'text' ? `[${b.text}]` : '')).join('\n');

const HOSTILE = '<script>alert(1)</script>';

describe('molecules report section', () => {
  let grid: string;
  beforeAll(async () => {
    grid = await moleculeGridSvg([{ smiles: 'c1ccccc1O', legend: HOSTILE }, { smiles: 'CC(=O)Nc1ccc(O)cc1', legend: 'QED 0.60' }, { smiles: HOSTILE }], { columns: 3 });
  });

  it('shows the best trials\' pictures, ids prefixed by trial, texts escaped, nothing that runs', () => {
    // Trial 1's file was tampered with: a script, an event handler, a foreignObject and a link added.
    const tampered = grid.replace(
      '</svg>\n',
      `<script>alert(2)</script><g onload="alert(3)" id="x"><foreignObject><div>hi</div></foreignObject><a href="javascript:alert(4)"><rect width="1" height="1"/></a></g></svg>\n`,
    );
    const trials = [trial(0, 1, { 'samples.txt': 'c1ccccc1O\n', [MOLECULES_PICTURE_FILE]: grid }), trial(1, 2, { 'samples.txt': 'C\n', [MOLECULES_PICTURE_FILE]: tampered }), trial(2, 9, { 'samples.txt': 'C\n' })];
    const d = build(trials);
    expect(d.sections.map((s) => s.id)).toContain('molecules');
    expect(d.sections.map((s) => s.id)).toContain('text-samples'); // the text too
    const h = html(d);
    expect([...h.matchAll(/<h3>trial (\d+)<\/h3>/g)].map((x) => x[1])).toEqual(['0', '1']);
    // Each trial's grid: its own svg, two drawings nested in it, the invalid SMILES and hostile legend as text.
    expect((h.match(/<svg /g) ?? []).length).toBe(2 * (1 + 2));
    expect(h.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1).toBe(4); // a legend and an invalid SMILES per trial
    expect(h).not.toMatch(/<script|<foreignObject|<a[\s>]|\son\w+=|href|javascript:|alert\([234]\)/i);
    expect(h).toContain('id="t1-x"');
  });

  describeWithChromium('pipelines report-molecules.test')('in chromium', () => {
    it('draws every molecule of the report opened from disk; nothing from a tampered picture runs', async () => {
      const tampered = grid.replace('</svg>\n', `<script>alert(2)</script><g onload="alert(3)"><image href="x" onerror="alert(4)"/></g></svg>\n`);
      const d = build([trial(0, 1, { [MOLECULES_PICTURE_FILE]: grid }), trial(1, 2, { [MOLECULES_PICTURE_FILE]: tampered })]);
      const file = path.join(root, 'report.html');
      fs.writeFileSync(file, renderReportHtml(d));
      const browser = await launchChromium();
      try {
        const { page, problems, dialogs, blocked, context } = await watchedPage(browser, (u) => u.startsWith('file:') || u.startsWith('data:'));
        await page.goto('file://' + file);
        await page.waitForSelector('#molecules svg.molecule-grid');
        // Per trial: the grid, its two drawings (with their bond paths laid out), the invalid cell's texts.
        const grids = await page.$$eval('#molecules svg.molecule-grid', (gs) =>
          gs.map((g) => ({
            width: g.getBoundingClientRect().width,
            drawings: Array.from(g.querySelectorAll('svg')).map((s) => s.querySelectorAll('path').length),
            texts: Array.from(g.querySelectorAll('text')).map((t) => t.textContent),
          })),
        );
        expect(grids).toHaveLength(2);
        for (const g of grids) {
          expect(g.width).toBeGreaterThan(100);
          expect(g.drawings).toHaveLength(2);
          for (const paths of g.drawings) expect(paths).toBeGreaterThan(5);
          expect(g.texts).toEqual([HOSTILE, 'QED 0.60', HOSTILE, 'invalid']);
        }
        expect(await page.evaluate(() => document.querySelectorAll('#molecules script, #molecules image, #molecules foreignObject').length)).toBe(0);
        await page.waitForTimeout(200);
        expect(dialogs).toEqual([]);
        expect(blocked).toEqual([]);
        expect(problems).toEqual([]);
        await context.close();
      } finally {
        await browser.close();
      }
    }, 60_000);
  });

  it('is absent for a study of other models (no samples.svg), and for pictures over the bound', () => {
    const plain = build([trial(0, 1, { 'samples.txt': 'the cat sat\n' }), trial(1, 2, {})]);
    expect(plain.sections.map((s) => s.id)).not.toContain('molecules');
    expect(plain.sections.map((s) => s.id)).toContain('text-samples');
    const big = build([trial(0, 1, { [MOLECULES_PICTURE_FILE]: Buffer.alloc(MAX_PICTURE_BYTES + 1, 32) })]);
    expect(big.sections.map((s) => s.id)).not.toContain('molecules');
    // A folder named samples.svg is not a picture.
    const t = trial(0, 1, {});
    fs.mkdirSync(path.join(t.userAttrs.dir as string, MOLECULES_PICTURE_FILE));
    expect(build([t]).sections.map((s) => s.id)).not.toContain('molecules');
  });

  it('says so when a picture is not one it can show (malformed, entities, not svg)', () => {
    const d = build([
      trial(0, 1, { [MOLECULES_PICTURE_FILE]: '<svg width="10" height="10"><path d="M0 0"></svg>' }),
      trial(1, 2, { [MOLECULES_PICTURE_FILE]: '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg width="1" height="1"><text>&x;</text></svg>' }),
      trial(2, 3, { [MOLECULES_PICTURE_FILE]: grid }),
    ]);
    const h = html(d);
    expect(h).toContain('[trial 0: samples.svg is not a molecule picture vaekit can show]');
    expect(h).toContain('[trial 1: samples.svg is not a molecule picture vaekit can show]');
    expect(h).toContain('<h3>trial 2</h3>');
    // A picture that would make the page miles long.
    const long = build([trial(3, 4, { [MOLECULES_PICTURE_FILE]: '<svg width="100" height="1000000"><rect width="1" height="1"/></svg>' })]);
    expect(html(long)).toBe('[trial 3: samples.svg is not a molecule picture vaekit can show]');
    expect(h).not.toMatch(/passwd|ENTITY/);
  });

  it('is left out when @vaekit/molecules is not installed', () => {
    jest.isolateModules(() => {
      jest.doMock('@vaekit/molecules', () => {
        throw Object.assign(new Error("Cannot find module '@vaekit/molecules' from 'molecule-picture.ts'"), { code: 'MODULE_NOT_FOUND' });
      });
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const { moleculeSamplesSection } = require('../src/report/molecule-samples') as typeof import('../src/report/molecule-samples');
      const d = build([trial(0, 1, { 'samples.txt': 'C\n', [MOLECULES_PICTURE_FILE]: grid })], [moleculeSamplesSection]);
      expect(d.sections).toEqual([]);
      jest.dontMock('@vaekit/molecules');
    });
  });
});

describe('the picture of a SMILES run', () => {
  it('draws the lines of samples.txt (an empty decode as invalid), with QED under the valid ones', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'run-'));
    fs.writeFileSync(path.join(dir, 'samples.txt'), ['CC(=O)Nc1ccc(O)cc1', '', 'C1CC', 'c 1 c c c c c 1'].join('\n') + '\n');
    expect(await writeMoleculePicture(dir)).toEqual([path.join(dir, MOLECULES_PICTURE_FILE)]);
    const svg = fs.readFileSync(path.join(dir, MOLECULES_PICTURE_FILE), 'utf8');
    expect((svg.match(/<g class="molecule"/g) ?? []).length).toBe(4);
    expect((svg.match(/>invalid</g) ?? []).length).toBe(2);
    // Paracetamol's QED (RDKit's QED.qed 0.5950) and benzene's (0.4426).
    expect(svg).toContain('>QED 0.60<');
    expect(svg).toContain('>QED 0.44<');
  });
});
