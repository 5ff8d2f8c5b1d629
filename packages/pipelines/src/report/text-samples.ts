/**
 * The sentences `vaekit train` writes into a text model's trial folder (user attribute `dir`):
 * prior samples and reconstructions, shown for the best trials as pictures are for images.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FrozenTrial } from '@vaekit/study';
import { escapeHtml, ReportContext, ReportSection, SectionBlock } from '@vaekit/report';
import { RECONSTRUCTIONS_FILE, SAMPLES_FILE } from '../text/files';

/** Bytes read of each file at most: the files come from folders a study database names. */
const MAX_BYTES = 64 * 1024;
const SAMPLES_SHOWN = 8;
const RECONSTRUCTIONS_SHOWN = 5;

function readLines(t: FrozenTrial, file: string, max: number): string[] | undefined {
  const dir = t.userAttrs.dir;
  if (typeof dir !== 'string') return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(path.join(dir, file), 'r');
    if (!fs.fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(MAX_BYTES);
    const n = fs.readSync(fd, buf, 0, MAX_BYTES, 0);
    return buf.subarray(0, n).toString('utf8').split('\n').filter((l) => l.length > 0).slice(0, max);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function bestTrials(ctx: ReportContext): FrozenTrial[] {
  return ctx.best.map((n) => ctx.trials.find((t) => t.number === n)).filter((t): t is FrozenTrial => !!t);
}

export const textSamplesSection: ReportSection = {
  id: 'text-samples',
  place: 'end',
  appliesTo: (ctx) => bestTrials(ctx).some((t) => readLines(t, SAMPLES_FILE, 1) !== undefined),
  build(ctx) {
    const blocks: SectionBlock[] = [];
    for (const t of bestTrials(ctx)) {
      const samples = readLines(t, SAMPLES_FILE, SAMPLES_SHOWN);
      if (!samples) continue;
      const recon = readLines(t, RECONSTRUCTIONS_FILE, RECONSTRUCTIONS_SHOWN) ?? [];
      const pairs = recon.map((l) => l.split('\t')).filter((p) => p.length === 2);
      const html =
        `<div class="text-trial"><h3>trial ${t.number}</h3>` +
        `<p class="note">samples from the prior (greedy)</p><ol class="text-lines">${samples.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ol>` +
        (pairs.length
          ? `<p class="note">test sentences (x) and the greedy decoding of their posterior mean (x\u0302)</p><table class="text-pairs">` +
            pairs.map(([x, y]) => `<tr><th>x</th><td>${escapeHtml(x)}</td></tr><tr><th>x\u0302</th><td>${escapeHtml(y)}</td></tr>`).join('') +
            '</table>'
          : '') +
        '</div>';
      blocks.push({ type: 'html', html });
    }
    if (!blocks.length) return null;
    return { title: 'Sentences of the best trials', note: 'from samples.txt and reconstructions.txt in each trial folder', blocks };
  },
  css:
    '.text-trial{margin:0 0 1.2em}.text-lines{font-family:ui-monospace,monospace;font-size:13px;margin:.2em 0 .6em}' +
    '.text-pairs{border-collapse:collapse;font-family:ui-monospace,monospace;font-size:13px}.text-pairs th{color:#888;font-weight:normal;padding:0 .6em 0 0;text-align:right;vertical-align:top}' +
    '.text-pairs tr:nth-child(2n) td{padding-bottom:.5em}',
};
