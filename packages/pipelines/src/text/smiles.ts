import { DEFAULT_MAX_TEXT_LINE_BYTES, DataError, forEachLine } from '@vaekit/datasets';

/**
 * Reads a SMILES file (.smi): UTF-8, one molecule per line, its SMILES the line's first
 * whitespace-separated field (a name may follow); blank lines are skipped. `fn` gets each SMILES and
 * its 1-based line number. A file that is missing, not UTF-8, has a line over 64 KiB or no SMILES at
 * all is a DataError naming the file (and the line). Returns the number of SMILES read.
 */
export function forEachSmiles(file: string, fn: (smiles: string, line: number) => void, name = file): number {
  let n = 0;
  forEachLine(file, { name, maxLineBytes: DEFAULT_MAX_TEXT_LINE_BYTES }, (text, line) => {
    const smiles = text.trim().split(/\s+/, 1)[0];
    if (!smiles) return true;
    n++;
    fn(smiles, line);
    return true;
  });
  if (n === 0) throw new DataError(`${name}: no SMILES in it: it is empty or has only blank lines (expected one molecule per line)`);
  return n;
}
