/**
 * The picture of a SMILES model's prior samples that `vaekit train` leaves beside samples.txt
 * (samples.svg), drawn with the optional package @vaekit/molecules (RDKit). Nothing here needs
 * RDKit to be installed: without it there is no picture, and the report shows the samples as text.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SAMPLES_FILE } from './files';
import { MOLECULES_PICTURE_FILE, Molecules, moleculesIfInstalled } from './molecules-optional';

/** The grid of the picture: the first 20 samples (as many as samples.txt holds), invalid ones included. */
const GRID = { columns: 5, cellWidth: 200, cellHeight: 170, max: 20 } as const;

/**
 * Draws the samples of `out`/samples.txt (just written by the training run) into `out`/samples.svg,
 * each with its QED. Returns the file written, or nothing when @vaekit/molecules is not installed.
 */
export async function writeMoleculePicture(out: string): Promise<string[]> {
  const m = moleculesIfInstalled();
  if (!m) return [];
  let chem: Awaited<ReturnType<Molecules['loadChemistry']>>;
  try {
    chem = await m.loadChemistry();
  } catch (e) {
    // @vaekit/molecules without its RDKit build (an install that omitted it): no picture either.
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'MODULE_NOT_FOUND' && /@rdkit\/rdkit/.test(err.message)) return [];
    throw e;
  }
  // One sample a line (an empty decode is an empty line, drawn as invalid).
  const samples = fs.readFileSync(path.join(out, SAMPLES_FILE), 'utf8').replace(/\n$/, '').split('\n').slice(0, GRID.max);
  const molecules = samples.map((line) => {
    const smiles = line.replace(/\s+/g, '');
    const qed = chem.qed(smiles);
    return { smiles, legend: qed === undefined ? undefined : `QED ${qed.toFixed(2)}` };
  });
  const file = path.join(out, MOLECULES_PICTURE_FILE);
  fs.writeFileSync(file, m.moleculeGridSvgWith(chem.rdkit, molecules, GRID));
  return [file];
}
