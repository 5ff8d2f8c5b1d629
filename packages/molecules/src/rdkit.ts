/**
 * RDKit's WebAssembly build (`@rdkit/rdkit`, RDKit MinimalLib), loaded once per process on first use.
 * Every `Mol` it hands out lives on the wasm heap until `.delete()`: the helpers here free them in
 * `finally` blocks so no path (an exception included) leaks one.
 */
import type { MainModule, Mol } from '@rdkit/rdkit';

export type RDKitModule = MainModule;
export type RDKitMol = Mol;

let loading: Promise<RDKitModule> | undefined;

/** The RDKit module, initialised on the first call; later calls share the same promise. */
export function loadRDKit(): Promise<RDKitModule> {
  if (!loading) {
    loading = import('@rdkit/rdkit').then(async (m) => {
      const factory = (m as unknown as { default: (o?: unknown) => Promise<RDKitModule> }).default ?? (m as unknown as (o?: unknown) => Promise<RDKitModule>);
      const rdkit = await factory();
      // Parse failures are expected (generated SMILES): report them through return values, not stderr.
      rdkit.disable_logging();
      return rdkit;
    });
    loading.catch(() => (loading = undefined));
  }
  return loading;
}

/**
 * Parses `smiles` and runs `fn` on the molecule, freeing it afterwards. Returns undefined for a
 * string RDKit cannot parse or sanitise, and for an empty one (RDKit parses '' to a molecule with no
 * atoms, which no metric should count as valid).
 */
export function withMol<T>(rdkit: RDKitModule, smiles: string, fn: (mol: RDKitMol) => T): T | undefined {
  const text = smiles.trim();
  if (text.length === 0) return undefined;
  let mol: RDKitMol | null = null;
  try {
    mol = rdkit.get_mol(text);
    if (!mol || !mol.is_valid() || mol.get_num_atoms() === 0) return undefined;
    return fn(mol);
  } finally {
    mol?.delete();
  }
}

/** A compiled SMARTS query; throws if RDKit rejects the pattern (a programming error here). */
export function compileSmarts(rdkit: RDKitModule, smarts: string): RDKitMol {
  const q = rdkit.get_qmol(smarts);
  if (!q || !q.is_valid()) {
    q?.delete();
    throw new Error(`RDKit rejected the SMARTS pattern ${smarts}`);
  }
  return q;
}
