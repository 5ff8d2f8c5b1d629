/**
 * The optional package @vaekit/molecules (RDKit), loaded on first use, and the name of the picture
 * of a SMILES run's samples. Nothing here loads RDKit or TensorFlow.js, so the report can use it.
 */
import { UsageError } from '@vaekit/study';

export type Molecules = typeof import('@vaekit/molecules');

/** The picture's file name in the run folder. */
export const MOLECULES_PICTURE_FILE = 'samples.svg';

let cached: Molecules | null | undefined;

/**
 * @vaekit/molecules when it is installed, else null. Loading it does not start RDKit (that happens
 * on its first use), so the report can use its SVG sanitiser synchronously.
 */
export function moleculesIfInstalled(): Molecules | null {
  if (cached === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      cached = require('@vaekit/molecules') as Molecules;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err?.code !== 'MODULE_NOT_FOUND' || !/@vaekit\/molecules/.test(err.message)) throw e;
      cached = null;
    }
  }
  return cached;
}

/**
 * @vaekit/molecules, or a UsageError saying what needs it (`what`, e.g. "vaekit molecules") and
 * the npm line that installs it.
 */
export function requireMolecules(what: string): Molecules {
  const m = moleculesIfInstalled();
  if (!m) throw new UsageError(`${what} needs the optional package @vaekit/molecules (RDKit for Node.js): install it with npm install @vaekit/molecules`);
  return m;
}
