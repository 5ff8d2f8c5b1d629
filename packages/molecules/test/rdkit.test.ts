/**
 * RDKit's module is loaded once, every molecule is freed on the wasm heap whatever happens, and the
 * empty string is not a molecule.
 */
import { loadChemistry, loadRDKit, RDKitMol, withMol } from '../src';

describe('RDKit wasm', () => {
  it('loads once: every call shares the same module', async () => {
    const [a, b] = await Promise.all([loadRDKit(), loadRDKit()]);
    expect(a).toBe(b);
    expect((await loadChemistry()).rdkit).toBe(a);
    expect(a.version()).toMatch(/^\d{4}\.\d{2}\.\d+$/);
  });

  it('frees the molecule after the callback, and when the callback throws', async () => {
    const rdkit = await loadRDKit();
    let kept: RDKitMol | undefined;
    expect(withMol(rdkit, 'CCO', (m) => ((kept = m), m.get_num_atoms()))).toBe(3);
    expect(kept!.isDeleted()).toBe(true);
    expect(() =>
      withMol(rdkit, 'c1ccccc1', (m) => {
        kept = m;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(kept!.isDeleted()).toBe(true);
  });

  it('the empty string, blanks and unparsable strings are not molecules; the callback never runs', async () => {
    const rdkit = await loadRDKit();
    const fn = jest.fn();
    for (const s of ['', '   ', 'C1CC', 'c1cccc1', 'xyz', 'CC(C']) expect(withMol(rdkit, s, fn)).toBeUndefined();
    expect(fn).not.toHaveBeenCalled();
    // RDKit itself parses '' to a molecule with no atoms, which is why withMol checks.
    const empty = rdkit.get_mol('');
    expect(empty?.get_num_atoms()).toBe(0);
    empty?.delete();
  });

  it('draws a valid molecule as SVG', async () => {
    const chem = await loadChemistry();
    const svg = chem.svg('CC(=O)Nc1ccc(O)cc1', 200, 150)!;
    expect(svg).toMatch(/<svg[\s\S]*width='200px'[\s\S]*<\/svg>/);
    expect(chem.svg('C1CC')).toBeUndefined();
  });
});
