import type { RDKitMol } from '../rdkit';

/** The descriptors vaekit reads from RDKit's `get_descriptors()` JSON, under names users know. */
export interface Descriptors {
  /** Average molecular weight in g/mol (RDKit's `Descriptors.MolWt`, JSON key `amw`). */
  mw: number;
  /** Wildman–Crippen logP (RDKit's `Crippen.MolLogP`, JSON key `CrippenClogP`). */
  logp: number;
  /** Topological polar surface area in Å², N and O only (RDKit's `MolSurf.TPSA`, JSON key `tpsa`). */
  tpsa: number;
  /** Hydrogen-bond donors (RDKit's `rdMolDescriptors.CalcNumHBD`). */
  hbd: number;
  /** Hydrogen-bond acceptors (RDKit's `rdMolDescriptors.CalcNumHBA`; QED counts its own). */
  hba: number;
  /** Rotatable bonds, RDKit's default (strict) definition. */
  rotatableBonds: number;
  aromaticRings: number;
  heavyAtoms: number;
}

export function descriptorsOf(mol: RDKitMol): Descriptors {
  const d = JSON.parse(mol.get_descriptors()) as Record<string, number>;
  return {
    mw: d.amw,
    logp: d.CrippenClogP,
    tpsa: d.tpsa,
    hbd: d.NumHBD,
    hba: d.NumHBA,
    rotatableBonds: d.NumRotatableBonds,
    aromaticRings: d.NumAromaticRings,
    heavyAtoms: d.NumHeavyAtoms,
  };
}
