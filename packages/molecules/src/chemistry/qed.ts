/**
 * QED, the quantitative estimate of drug-likeness (Bickerton, Paolini, Besnard, Muresan & Hopkins,
 * "Quantifying the chemical beauty of drugs", Nature Chemistry 4, 90–98, 2012): the weighted
 * geometric mean of eight desirability functions, with the published parameters and weights, on
 * the properties as RDKit's `rdkit.Chem.QED` defines them, so our values agree with `QED.qed`.
 */
import { compileSmarts, RDKitModule, RDKitMol } from '../rdkit';
import { descriptorsOf } from './descriptors';

/** The eight properties QED scores. */
export interface QedProperties {
  /** Molecular weight (g/mol). */
  MW: number;
  /** Crippen logP. */
  ALOGP: number;
  /** Acceptors: matches of QED's own acceptor patterns (not Lipinski's). */
  HBA: number;
  HBD: number;
  /** TPSA (Å²). */
  PSA: number;
  /** Rotatable bonds, strict definition. */
  ROTB: number;
  /** Rings left after deleting aliphatic ring atoms bonded to a non-aromatic atom (QED's AROM). */
  AROM: number;
  /** How many of the structural-alert patterns match. */
  ALERTS: number;
}

type Name = keyof QedProperties;
const NAMES: Name[] = ['MW', 'ALOGP', 'HBA', 'HBD', 'PSA', 'ROTB', 'AROM', 'ALERTS'];

/** An asymmetric double sigmoid: a + b / (1 + e^{-(x − c + d/2)/e}) · (1 − 1 / (1 + e^{-(x − c − d/2)/f})), over dmax. */
interface Desirability {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
  dmax: number;
}

// Bickerton et al. 2012, supplementary table: the fitted parameters of each property's desirability.
const DESIRABILITY: Record<Name, Desirability> = {
  MW: { a: 2.817065973, b: 392.5754953, c: 290.7489764, d: 2.419764353, e: 49.22325677, f: 65.37051707, dmax: 104.9805561 },
  ALOGP: { a: 3.172690585, b: 137.8624751, c: 2.534937431, d: 4.581497897, e: 0.822739154, f: 0.576295591, dmax: 131.3186604 },
  HBA: { a: 2.948620388, b: 160.4605972, c: 3.615294657, d: 4.435986202, e: 0.290141953, f: 1.300669958, dmax: 148.7763046 },
  HBD: { a: 1.618662227, b: 1010.051101, c: 0.985094388, d: 0.000000001, e: 0.713820843, f: 0.920922555, dmax: 258.1632616 },
  PSA: { a: 1.876861559, b: 125.2232657, c: 62.90773554, d: 87.83366614, e: 12.01999824, f: 28.51324732, dmax: 104.5686167 },
  ROTB: { a: 0.01, b: 272.4121427, c: 2.55837997, d: 1.565547684, e: 1.271567166, f: 2.758063707, dmax: 105.4420403 },
  AROM: { a: 3.21778897, b: 957.7374108, c: 2.274627939, d: 0.000000001, e: 1.317690384, f: 0.375760881, dmax: 312.337261 },
  ALERTS: { a: 0.01, b: 1199.094025, c: -0.09002883, d: 0.000000001, e: 0.185904477, f: 0.875193782, dmax: 417.725314 },
};

/** The paper's mean weights (QED_w,mo), RDKit's default. */
export const QED_WEIGHTS_MEAN: QedProperties = { MW: 0.66, ALOGP: 0.46, HBA: 0.05, HBD: 0.61, PSA: 0.06, ROTB: 0.65, AROM: 0.48, ALERTS: 0.95 };
/** Unit weights (QED_w,u). */
export const QED_WEIGHTS_NONE: QedProperties = { MW: 1, ALOGP: 1, HBA: 1, HBD: 1, PSA: 1, ROTB: 1, AROM: 1, ALERTS: 1 };

/** A property's desirability in (0, 1]. */
export function desirability(name: Name, x: number): number {
  const p = DESIRABILITY[name];
  const rise = 1 + Math.exp(-(x - p.c + p.d / 2) / p.e);
  const fall = 1 + Math.exp(-(x - p.c - p.d / 2) / p.f);
  return (p.a + (p.b / rise) * (1 - 1 / fall)) / p.dmax;
}

/** QED of already computed properties: exp(Σ wᵢ ln dᵢ / Σ wᵢ). */
export function qedFromProperties(props: QedProperties, weights: QedProperties = QED_WEIGHTS_MEAN): number {
  let sum = 0;
  let total = 0;
  for (const name of NAMES) {
    sum += weights[name] * Math.log(desirability(name, props[name]));
    total += weights[name];
  }
  return Math.exp(sum / total);
}

// Hydrogen-bond acceptors as QED counts them: every match of every pattern.
const ACCEPTORS = [
  '[oH0;X2]',
  '[OH1;X2;v2]',
  '[OH0;X2;v2]',
  '[OH0;X1;v2]',
  '[O-;X1]',
  '[SH0;X2;v2]',
  '[SH0;X1;v2]',
  '[S-;X1]',
  '[nH0;X2]',
  '[NH0;X1;v3]',
  '[$([N;+0;X3;v3]);!$(N[C,S]=O)]',
];

// Aliphatic ring atoms bonded to a non-aromatic atom: deleted before AROM counts the remaining rings.
const ALIPHATIC_RING_ATOMS = '[$([A;R][!a])]';

// Unwanted functionalities (Bickerton et al.'s 94 alerts plus isotope labels, as RDKit lists them).
const ALERTS = [
  '*1[O,S,N]*1', '[S,C](=[O,S])[F,Br,Cl,I]', '[CX4][Cl,Br,I]', '[#6]S(=O)(=O)O[#6]', '[$([CH]),$(CC)]#CC(=O)[#6]',
  '[$([CH]),$(CC)]#CC(=O)O[#6]', 'n[OH]', '[$([CH]),$(CC)]#CS(=O)(=O)[#6]', 'C=C(C=O)C=O', 'n1c([F,Cl,Br,I])cccc1',
  '[CH1](=O)', '[#8][#8]', '[C;!R]=[N;!R]', '[N!R]=[N!R]', '[#6](=O)[#6](=O)', '[#16][#16]', '[#7][NH2]', 'C(=O)N[NH2]',
  '[#6]=S', '[$([CH2]),$([CH][CX4]),$(C([CX4])[CX4])]=[$([CH2]),$([CH][CX4]),$(C([CX4])[CX4])]',
  'C1(=[O,N])C=CC(=[O,N])C=C1', 'C1(=[O,N])C(=[O,N])C=CC=C1', 'a21aa3a(aa1aaaa2)aaaa3', 'a31a(a2a(aa1)aaaa2)aaaa3',
  'a1aa2a3a(a1)A=AA=A3=AA=A2', 'c1cc([NH2])ccc1',
  '[Hg,Fe,As,Sb,Zn,Se,se,Te,B,Si,Na,Ca,Ge,Ag,Mg,K,Ba,Sr,Be,Ti,Mo,Mn,Ru,Pd,Ni,Cu,Au,Cd,Al,Ga,Sn,Rh,Tl,Bi,Nb,Li,Pb,Hf,Ho]',
  'I', 'OS(=O)(=O)[O-]', '[N+](=O)[O-]', 'C(=O)N[OH]', 'C1NC(=O)NC(=O)1', '[SH]', '[S-]',
  'c1ccc([Cl,Br,I,F])c([Cl,Br,I,F])c1[Cl,Br,I,F]', 'c1cc([Cl,Br,I,F])cc([Cl,Br,I,F])c1[Cl,Br,I,F]',
  '[CR1]1[CR1][CR1][CR1][CR1][CR1][CR1]1', '[CR1]1[CR1][CR1]cc[CR1][CR1]1', '[CR2]1[CR2][CR2][CR2][CR2][CR2][CR2][CR2]1',
  '[CR2]1[CR2][CR2]cc[CR2][CR2][CR2]1', '[CH2R2]1N[CH2R2][CH2R2][CH2R2][CH2R2][CH2R2]1',
  '[CH2R2]1N[CH2R2][CH2R2][CH2R2][CH2R2][CH2R2][CH2R2]1', 'C#C', '[OR2,NR2]@[CR2]@[CR2]@[OR2,NR2]@[CR2]@[CR2]@[OR2,NR2]',
  '[$([N+R]),$([n+R]),$([N+]=C)][O-]', '[#6]=N[OH]', '[#6]=NOC=O', '[#6](=O)[CX4,CR0X3,O][#6](=O)', 'c1ccc2c(c1)ccc(=O)o2',
  '[O+,o+,S+,s+]', 'N=C=O', '[NX3,NX4][F,Cl,Br,I]', 'c1ccccc1OC(=O)[#6]', '[CR0]=[CR0][CR0]=[CR0]', '[C+,c+,C-,c-]',
  'N=[N+]=[N-]', 'C12C(NC(N1)=O)CSC2', 'c1c([OH])c([OH,NH2,NH])ccc1', 'P', '[N,O,S]C#N', 'C=C=O', '[Si][F,Cl,Br,I]',
  '[SX2]O', '[SiR0,CR0](c1ccccc1)(c2ccccc2)(c3ccccc3)', 'O1CCCCC1OC2CCC3CCCCC3C2', 'N=[CR0][N,n,O,S]',
  '[cR2]1[cR2][cR2]([Nv3X3,Nv4X4])[cR2][cR2][cR2]1[cR2]2[cR2][cR2][cR2]([Nv3X3,Nv4X4])[cR2][cR2]2', 'C=[C!r]C#N',
  '[cR2]1[cR2]c([N+0X3R0,nX3R0])c([N+0X3R0,nX3R0])[cR2][cR2]1', '[cR2]1[cR2]c([N+0X3R0,nX3R0])[cR2]c([N+0X3R0,nX3R0])[cR2]1',
  '[cR2]1[cR2]c([N+0X3R0,nX3R0])[cR2][cR2]c1([N+0X3R0,nX3R0])', '[OH]c1ccc([OH,NH2,NH])cc1', 'c1ccccc1OC(=O)O',
  '[SX2H0][N]', 'c12ccccc1(SC(S)=N2)', 'c12ccccc1(SC(=S)N2)', 'c1nnnn1C=O', 's1c(S)nnc1NC=O', 'S1C=CSC1=S', 'C(=O)Onnn',
  'OS(=O)(=O)C(F)(F)F', 'N#CC[OH]', 'N#CC(=O)', 'S(=O)(=O)C#N', 'N[CH2]C#N', 'C1(=O)NCC1', 'S(=O)(=O)[O-,OH]',
  'NC[F,Cl,Br,I]', 'C=[C!r]O', '[NX2+0]=[O+0]', '[OR0,NR0][OR0,NR0]', 'C(=O)O[C,H1].C(=O)O[C,H1].C(=O)O[C,H1]',
  '[CX2R0][NX3R0]', 'c1ccccc1[C;!R]=[C;!R]c2ccccc2', '[NX3R0,NX4R0,OR0,SX2R0][CX4][NX3R0,NX4R0,OR0,SX2R0]',
  '[s,S,c,C,n,N,o,O]~[n+,N+](~[s,S,c,C,n,N,o,O])(~[s,S,c,C,n,N,o,O])~[s,S,c,C,n,N,o,O]',
  '[s,S,c,C,n,N,o,O]~[nX3+,NX3+](~[s,S,c,C,n,N])~[s,S,c,C,n,N]', '[*]=[N+]=[*]', '[SX3](=O)[O-,OH]', 'N#N', 'F.F.F.F',
  '[R0;D2][R0;D2][R0;D2][R0;D2]', '[cR,CR]~C(=O)NC(=O)~[cR,CR]', 'C=!@CC=[O,S]', '[#6,#8,#16][#6](=O)O[#6]',
  'c[C;R0](=[O,S])[#6]', 'c[SX2][C;!R]', 'C=C=C', 'c1nc([F,Cl,Br,I,S])ncc1', 'c1ncnc([F,Cl,Br,I,S])c1',
  'c1nc(c2c(n1)nc(n2)[F,Cl,Br,I])', '[#6]S(=O)(=O)c1ccc(cc1)F', '[15N]', '[13C]', '[18O]', '[34S]',
];

/** The compiled patterns, built once per RDKit module and kept for the life of the process. */
export class QedCalculator {
  private readonly acceptors: RDKitMol[];
  private readonly alerts: RDKitMol[];
  private readonly aliphaticRingAtoms: RDKitMol;

  constructor(rdkit: RDKitModule) {
    this.acceptors = ACCEPTORS.map((s) => compileSmarts(rdkit, s));
    this.alerts = ALERTS.map((s) => compileSmarts(rdkit, s));
    this.aliphaticRingAtoms = compileSmarts(rdkit, ALIPHATIC_RING_ATOMS);
  }

  /** QED's eight properties of a parsed molecule (hydrogens already implicit, as RDKit parses SMILES). */
  properties(mol: RDKitMol): QedProperties {
    const d = descriptorsOf(mol);
    let hba = 0;
    for (const q of this.acceptors) hba += matchCount(mol, q);
    let alerts = 0;
    for (const q of this.alerts) if (mol.get_substruct_match(q) !== '{}') alerts++;
    return { MW: d.mw, ALOGP: d.logp, HBA: hba, HBD: d.hbd, PSA: d.tpsa, ROTB: d.rotatableBonds, AROM: this.aromaticRings(mol), ALERTS: alerts };
  }

  /** QED of a parsed molecule. */
  qed(mol: RDKitMol, weights: QedProperties = QED_WEIGHTS_MEAN): number {
    return qedFromProperties(this.properties(mol), weights);
  }

  /**
   * QED's AROM: delete the aliphatic ring atoms that have a non-aromatic neighbour, then count the
   * smallest set of smallest rings of what is left. That count is the graph's cycle rank,
   * bonds − atoms + connected components, so it is computed on the atom graph directly. (It is not
   * RDKit's NumAromaticRings: e.g. fluorene's five-membered ring survives and counts.)
   */
  private aromaticRings(mol: RDKitMol): number {
    const deleted = new Set<number>();
    for (const m of parseMatches(mol.get_substruct_matches(this.aliphaticRingAtoms))) for (const a of m.atoms) deleted.add(a);
    const graph = JSON.parse(mol.get_json()) as { molecules: { atoms: unknown[]; bonds: { atoms: [number, number] }[] }[] };
    const { atoms, bonds } = graph.molecules[0];
    const parent = Array.from({ length: atoms.length }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) x = parent[x] = parent[parent[x]];
      return x;
    };
    let kept = atoms.length - deleted.size;
    let edges = 0;
    let components = kept;
    for (const { atoms: [a, b] } of bonds) {
      if (deleted.has(a) || deleted.has(b)) continue;
      edges++;
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) {
        parent[ra] = rb;
        components--;
      }
    }
    kept = Math.max(kept, 0);
    return edges - kept + components;
  }
}

/** Unique matches of a query (RDKit's defaults: uniquified, at most 1,000), as Python's GetSubstructMatches. */
function matchCount(mol: RDKitMol, query: RDKitMol): number {
  return parseMatches(mol.get_substruct_matches(query)).length;
}

/** MinimalLib answers "{}" when nothing matches and a JSON array of {atoms, bonds} otherwise. */
function parseMatches(json: string): { atoms: number[] }[] {
  const parsed = JSON.parse(json) as unknown;
  return Array.isArray(parsed) ? (parsed as { atoms: number[] }[]) : [];
}
