/**
 * A grid of molecules drawn by RDKit as one self-contained SVG document: each valid SMILES in a
 * cell of its own (RDKit's drawing, re-written by sanitizeSvg so it nests, with ids unique to the
 * cell), a legend under it; a cell for each invalid SMILES that shows the string and "invalid".
 */
import { loadRDKit, RDKitModule, withMol } from '../rdkit';
import { escapeXml, sanitizeSvg } from './sanitize';

export interface GridMolecule {
  smiles: string;
  /** One line under the drawing, e.g. "QED 0.93". */
  legend?: string;
}

export interface MoleculeGridOptions {
  /** Cells per row (default 4, at most 100). */
  columns?: number;
  /** Size of a cell in pixels, legend included (default 250 × 200, each from 50 to 2,000). */
  cellWidth?: number;
  cellHeight?: number;
  /** Molecules drawn at most: the first ones (default 48, at most 1,000). */
  max?: number;
}

export const GRID_DEFAULTS = { columns: 4, cellWidth: 250, cellHeight: 200, max: 48 } as const;
/** Characters of a legend or of an invalid SMILES shown at most (longer ones end with …). */
const TEXT_MAX = 60;
const LEGEND_HEIGHT = 20;
const FONT = 'font-family="sans-serif" font-size="12" text-anchor="middle"';

function bounded(name: string, v: number | undefined, dflt: number, lo: number, hi: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`moleculeGridSvg: ${name}: expected an integer from ${lo} to ${hi}, found ${v}`);
  return v;
}

function shorten(s: string): string {
  const chars = [...s.replace(/\s+/g, ' ')];
  return chars.length > TEXT_MAX ? chars.slice(0, TEXT_MAX - 1).join('') + '…' : chars.join('');
}

/** The grid, drawn with an RDKit module already loaded (synchronous). */
export function moleculeGridSvgWith(rdkit: RDKitModule, molecules: ReadonlyArray<GridMolecule>, options: MoleculeGridOptions = {}): string {
  const columns = bounded('columns', options.columns, GRID_DEFAULTS.columns, 1, 100);
  const cw = bounded('cellWidth', options.cellWidth, GRID_DEFAULTS.cellWidth, 50, 2000);
  const ch = bounded('cellHeight', options.cellHeight, GRID_DEFAULTS.cellHeight, 50, 2000);
  const max = bounded('max', options.max, GRID_DEFAULTS.max, 0, 1000);
  const shown = molecules.slice(0, max);
  const legendHeight = shown.some((m) => m.legend) ? LEGEND_HEIGHT : 0;
  const drawHeight = ch - legendHeight;
  const rows = Math.ceil(shown.length / columns);
  const width = Math.min(columns, Math.max(1, shown.length)) * cw;
  const height = Math.max(1, rows) * ch;
  const cells = shown.map((m, k) => {
    const x = (k % columns) * cw;
    const y = Math.floor(k / columns) * ch;
    // RDKit's picture, sanitised; undefined for an invalid SMILES (or a drawing that is not well formed).
    const drawn = withMol(rdkit, String(m.smiles), (mol) => sanitizeSvg(mol.get_svg(cw, drawHeight), `m${k}-`));
    let inner: string;
    if (drawn) {
      inner = `<svg x="0" y="0" width="${cw}" height="${drawHeight}" viewBox="${drawn.viewBox.join(' ')}" overflow="hidden">${drawn.body}</svg>`;
    } else {
      const mid = drawHeight / 2;
      inner =
        `<rect x="0.5" y="0.5" width="${cw - 1}" height="${drawHeight - 1}" fill="#fafafa" stroke="#ddd"/>` +
        `<text x="${cw / 2}" y="${mid - 4}" ${FONT} fill="#333">${escapeXml(shorten(String(m.smiles)))}</text>` +
        `<text x="${cw / 2}" y="${mid + 14}" ${FONT} fill="#b00">invalid</text>`;
    }
    const legend = m.legend ? `<text x="${cw / 2}" y="${ch - 6}" ${FONT} fill="#333">${escapeXml(shorten(String(m.legend)))}</text>` : '';
    return `<g class="molecule" transform="translate(${x},${y})">${inner}${legend}</g>`;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>` +
    cells.join('') +
    '</svg>\n'
  );
}

/**
 * One SVG document with the first `max` molecules in a grid of `columns` cells per row. Every
 * RDKit molecule is freed; the drawings keep no script, link or external reference, and the
 * legends and invalid strings are escaped.
 */
export async function moleculeGridSvg(molecules: ReadonlyArray<GridMolecule>, options: MoleculeGridOptions = {}): Promise<string> {
  return moleculeGridSvgWith(await loadRDKit(), molecules, options);
}
