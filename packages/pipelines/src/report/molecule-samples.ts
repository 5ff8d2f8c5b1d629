/**
 * The molecules of the best trials of a SMILES study: the picture `vaekit train` draws of a SMILES
 * model's prior samples (samples.svg in the trial folder, user attribute `dir`), shown inline.
 * The file comes from a folder a study database names, so it is untrusted: read up to a bound, and
 * re-written by @vaekit/molecules' sanitizeSvg (drawing elements only, ids prefixed per trial)
 * before it is put in the page. Without @vaekit/molecules installed the section is left out (the
 * text-samples section still lists the samples).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FrozenTrial } from '@vaekit/study';
import { ReportContext, ReportSection, SectionBlock } from '@vaekit/report';
import { MOLECULES_PICTURE_FILE, moleculesIfInstalled } from '../text/molecules-optional';

/**
 * Bytes of a picture read at most; a larger file is not shown. RDKit draws letters as paths: a
 * drawing of a ZINC-sized molecule takes about 13 KB, one of a 78-atom chain (an untrained
 * model's decode) 35 KB, so the 20 of a run fit with room for long decodes.
 */
export const MAX_PICTURE_BYTES = 4 * 1024 * 1024;
/** The largest picture shown, in pixels (the 20 drawings of a run are 1,000 × 680). */
const MAX_WIDTH = 10_000;
const MAX_HEIGHT = 20_000;

/** The picture's text, or undefined when the trial has none (or one over the bound, or not a regular file). */
function readPicture(t: FrozenTrial): string | undefined {
  const dir = t.userAttrs.dir;
  if (typeof dir !== 'string') return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(path.join(dir, MOLECULES_PICTURE_FILE), 'r');
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > MAX_PICTURE_BYTES) return undefined;
    const buf = Buffer.alloc(MAX_PICTURE_BYTES + 1);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return n > MAX_PICTURE_BYTES ? undefined : buf.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function hasPicture(t: FrozenTrial): boolean {
  const dir = t.userAttrs.dir;
  if (typeof dir !== 'string') return false;
  try {
    const st = fs.statSync(path.join(dir, MOLECULES_PICTURE_FILE));
    return st.isFile() && st.size <= MAX_PICTURE_BYTES;
  } catch {
    return false;
  }
}

function bestTrials(ctx: ReportContext): FrozenTrial[] {
  return ctx.best.map((n) => ctx.trials.find((t) => t.number === n)).filter((t): t is FrozenTrial => !!t);
}

export const moleculeSamplesSection: ReportSection = {
  id: 'molecules',
  place: 'end',
  appliesTo: (ctx) => moleculesIfInstalled() !== null && bestTrials(ctx).some(hasPicture),
  build(ctx) {
    const molecules = moleculesIfInstalled();
    if (!molecules) return null;
    const blocks: SectionBlock[] = [];
    const refused: number[] = [];
    for (const t of bestTrials(ctx)) {
      const svg = readPicture(t);
      if (svg === undefined) continue;
      const clean = molecules.sanitizeSvg(svg, `t${t.number}-`, MAX_PICTURE_BYTES);
      if (!clean || clean.viewBox[2] > MAX_WIDTH || clean.viewBox[3] > MAX_HEIGHT) {
        refused.push(t.number);
        continue;
      }
      const [x, y, w, h] = clean.viewBox;
      blocks.push({
        type: 'html',
        html:
          `<div class="molecule-trial"><h3>trial ${t.number}</h3>` +
          `<svg xmlns="http://www.w3.org/2000/svg" class="molecule-grid" viewBox="${x} ${y} ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="molecules sampled from trial ${t.number}">` +
          clean.body +
          '</svg></div>',
      });
    }
    for (const n of refused) blocks.push({ type: 'text', text: `trial ${n}: ${MOLECULES_PICTURE_FILE} is not a molecule picture vaekit can show`, className: 'note' });
    if (!blocks.length) return null;
    return { title: 'Molecules of the best trials', note: `prior samples (greedy) drawn by RDKit, from ${MOLECULES_PICTURE_FILE} in each trial folder`, blocks };
  },
  css: '.molecule-trial{margin:0 0 1.2em}.molecule-grid{max-width:100%;height:auto;display:block}',
};
