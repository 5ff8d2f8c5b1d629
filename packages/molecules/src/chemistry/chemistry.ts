import { loadRDKit, RDKitModule, RDKitMol, withMol } from '../rdkit';
import { Descriptors, descriptorsOf } from './descriptors';
import { MORGAN_DEFAULTS, MorganOptions, morganBits } from './fingerprint';
import { QedCalculator, QedProperties, qedFromProperties } from './qed';

/** What `describe` tells about one SMILES string. */
export interface MoleculeDescription {
  smiles: string;
  valid: boolean;
  /** RDKit's canonical SMILES (isomeric), when valid. */
  canonical?: string;
  qed?: number;
  logp?: number;
  tpsa?: number;
  mw?: number;
}

/**
 * The chemistry of SMILES strings on one RDKit module: parsing, canonical SMILES, descriptors, QED
 * and fingerprints. Each call parses its string, computes, and frees the molecule before returning.
 */
export class Chemistry {
  private qedCalculator?: QedCalculator;

  constructor(readonly rdkit: RDKitModule) {}

  /** RDKit's version, e.g. "2026.09.1". */
  get version(): string {
    return this.rdkit.version();
  }

  private get qedCalc(): QedCalculator {
    return (this.qedCalculator ??= new QedCalculator(this.rdkit));
  }

  /** Runs `fn` on the parsed molecule; undefined when the string is not a valid (non-empty) molecule. */
  withMol<T>(smiles: string, fn: (mol: RDKitMol) => T): T | undefined {
    return withMol(this.rdkit, smiles, fn);
  }

  isValid(smiles: string): boolean {
    return this.withMol(smiles, () => true) ?? false;
  }

  /** RDKit's canonical SMILES, or undefined for an invalid string. */
  canonical(smiles: string): string | undefined {
    return this.withMol(smiles, (m) => m.get_smiles());
  }

  descriptors(smiles: string): Descriptors | undefined {
    return this.withMol(smiles, descriptorsOf);
  }

  qed(smiles: string): number | undefined {
    return this.withMol(smiles, (m) => this.qedCalc.qed(m));
  }

  qedProperties(smiles: string): QedProperties | undefined {
    return this.withMol(smiles, (m) => this.qedCalc.properties(m));
  }

  /** The ascending on-bits of the Morgan fingerprint (radius 2, 2,048 bits by default). */
  morgan(smiles: string, options: MorganOptions = MORGAN_DEFAULTS): Uint16Array | undefined {
    return this.withMol(smiles, (m) => morganBits(m, options));
  }

  /** Validity, canonical SMILES, QED, logP, TPSA and molecular weight from one parse. */
  describe(smiles: string): MoleculeDescription {
    const out = this.withMol(smiles, (m): MoleculeDescription => {
      const props = this.qedCalc.properties(m);
      return { smiles, valid: true, canonical: m.get_smiles(), qed: qedFromProperties(props), logp: props.ALOGP, tpsa: props.PSA, mw: props.MW };
    });
    return out ?? { smiles, valid: false };
  }

  /** A 2-D depiction as an SVG document, or undefined for an invalid string. */
  svg(smiles: string, width = 250, height = 200): string | undefined {
    return this.withMol(smiles, (m) => m.get_svg(width, height));
  }
}

let shared: Promise<Chemistry> | undefined;

/** The process-wide Chemistry, loading RDKit's wasm on the first call. */
export function loadChemistry(): Promise<Chemistry> {
  shared ??= loadRDKit().then((rdkit) => new Chemistry(rdkit));
  shared.catch(() => (shared = undefined));
  return shared;
}
