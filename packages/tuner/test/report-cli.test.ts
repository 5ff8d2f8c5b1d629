/** `vaekit report` and `vaekit search` end to end through the CLI: the report file, and the user errors. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-report-'));
const run = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('vaekit report and vaekit search through the CLI', () => {
  it('writes OUT/STUDY/report.html at the end of a search, and again with vaekit report; a missing study or storage is exit 2', () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'tiny.yaml'),
      `data: { use: mnist, limit: 600, validation: 200, testLimit: 200 }
model:
  latentDim: 4
  encoder: { use: mlp, hidden: [32] }
  decoder: { use: mlp, hidden: [32] }
train: { epochs: 2, batchSize: 100, seed: 1, backend: wasm }
output: { images: true }
study: { name: tiny-study, sampler: { name: grid } }
search:
  model.beta: { grid: [0.5, 2] }
`,
    );
    const s = run(['search', '--config', 'tiny.yaml', '--workers', '1'], dir);
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    const auto = path.join(dir, 'out', 'tiny-study', 'report.html');
    expect(s.stdout).toContain(`report: ${auto}\n`);
    expect(fs.readFileSync(auto, 'utf8')).toContain('Study tiny-study');

    const r = run(['report', '--study', 'tiny-study', '--storage', `sqlite:out/studies.db`, '--out', 'r.html'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${path.join(dir, 'r.html')}\n`);
    const html = fs.readFileSync(path.join(dir, 'r.html'), 'utf8');
    expect(html).toContain('tiny-study');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!vega\.github\.io\/schema|www\.w3\.org)[a-z0-9.-]+\/[^"'\s]*\.(js|css)/i);
    expect(html.match(/data:image\/png;base64,/g)!.length).toBe(6); // 2 trials × 3 pictures
    // The VAE sections that the CLI registers: rate–distortion plane, latent usage, metric columns, pictures.
    const data = JSON.parse(html.match(/<script type="application\/json" id="vaekit-data">([^<]*)<\/script>/)![1]);
    expect(data.sections.map((x: { id: string }) => x.id)).toEqual(['rate-distortion', 'latent']);
    expect(data.charts.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['rd', 'latent-summary', 'latent-0', 'latent-1']));
    expect(data.columns.map((c: { label: string }) => c.label)).toEqual(expect.arrayContaining(['recon', 'KL', 'active units']));
    expect(data.pictureNotes).toEqual([expect.stringMatching(/^inputs above their reconstructions/)]);
    expect(fs.readFileSync(auto, 'utf8')).toContain('"id":"latent"');
    // Default storage (out/studies.db) and default file (beside it).
    const d = run(['report', '--study', 'tiny-study'], dir);
    expect(d.code).toBe(0);
    expect(d.stdout).toBe(`wrote ${auto}\n`);

    const missing = run(['report', '--study', 'nope', '--storage', 'sqlite:out/studies.db'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no study "nope" in storage sqlite:out\/studies\.db/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const noDb = run(['report', '--study', 'x', '--storage', 'sqlite:elsewhere.db'], dir);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/no study storage at sqlite:elsewhere\.db/);
    expect(fs.existsSync(path.join(dir, 'elsewhere.db'))).toBe(false);
    const noStudy = run(['report'], dir);
    expect(noStudy.code).toBe(2);
    expect(run(['dashboard', '--port', 'x'], dir).code).toBe(2);
  });
});
