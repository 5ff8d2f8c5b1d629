/**
 * QED, logP, TPSA, molecular weight and canonical SMILES against RDKit's Python API (2022.09, Debian's
 * python3-rdkit) on 1,050 molecules; test/fixtures/rdkit_reference.py made the fixture.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chemistry, descriptorsOf, desirability, loadChemistry, QedCalculator, qedFromProperties, QED_WEIGHTS_NONE, QedProperties } from '../src';

interface Row {
  smiles: string;
  canonical: string;
  qed: number;
  logp: number;
  tpsa: number;
  mw: number;
  properties: QedProperties;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'rdkit-reference.json'), 'utf8')) as { rdkit: string; molecules: Row[] };
let chem: Chemistry;
/** Ours, one parse per molecule. */
let ours: { qed: number; props: QedProperties; logp: number; tpsa: number; mw: number; canonical: string }[];

beforeAll(async () => {
  chem = await loadChemistry();
  const calc = new QedCalculator(chem.rdkit);
  ours = fixture.molecules.map(
    (r) =>
      chem.withMol(r.smiles, (m) => {
        const props = calc.properties(m);
        const d = descriptorsOf(m);
        return { qed: qedFromProperties(props), props, logp: d.logp, tpsa: d.tpsa, mw: d.mw, canonical: m.get_smiles() };
      })!,
  );
});

/** The largest |ours − RDKit's| and the molecule where it occurs. */
function worst(pick: (i: number) => [number, number]) {
  let max = 0;
  let at = '';
  fixture.molecules.forEach((r, i) => {
    const [a, b] = pick(i);
    if (!(Math.abs(a - b) <= max)) [max, at] = [Math.abs(a - b), r.smiles];
  });
  return { max, at };
}

describe('QED', () => {
  it('the fixture has at least 1,000 molecules, from RDKit 2022.09', () => {
    expect(fixture.molecules.length).toBeGreaterThanOrEqual(1000);
    expect(fixture.rdkit).toMatch(/^2022\.09/);
    expect(ours.every((o) => o !== undefined)).toBe(true);
  });

  it('agrees with RDKit QED.qed to 0.001 on every molecule of the fixture', () => {
    const w = worst((i) => [ours[i].qed, fixture.molecules[i].qed]);
    expect(w.max).toBeLessThan(0.001);
  });

  it('each of its eight properties agrees with RDKit QED.properties', () => {
    const bad: string[] = [];
    fixture.molecules.forEach((r, i) => {
      for (const k of Object.keys(r.properties) as (keyof QedProperties)[]) {
        const [a, b] = [ours[i].props[k], r.properties[k]];
        if (!(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)))) bad.push(`${r.smiles} ${k}: ours ${a}, RDKit ${b}`);
      }
    });
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('the desirabilities peak at 1 and unit weights give the geometric mean', () => {
    // dmax is each curve's maximum, so every desirability peaks at 1.
    for (const [name, lo, hi] of [['MW', 0, 1000], ['ALOGP', -5, 10], ['HBA', 0, 15], ['HBD', 0, 10], ['PSA', 0, 300], ['ROTB', 0, 20], ['AROM', 0, 8], ['ALERTS', 0, 8]] as const) {
      let best = 0;
      for (let i = 0; i <= 10000; i++) best = Math.max(best, desirability(name, lo + ((hi - lo) * i) / 10000));
      expect([name, best]).toEqual([name, expect.closeTo(1, 2)]);
    }
    const p: QedProperties = { MW: 300, ALOGP: 2.5, HBA: 4, HBD: 1, PSA: 60, ROTB: 3, AROM: 2, ALERTS: 0 };
    const d = (Object.keys(p) as (keyof QedProperties)[]).map((k) => desirability(k, p[k]));
    expect(qedFromProperties(p, QED_WEIGHTS_NONE)).toBeCloseTo(Math.exp(d.reduce((s, x) => s + Math.log(x), 0) / 8), 12);
  });

  it('the QED paper examples as RDKit documents them (0.253..., 0.234..., 0.234...)', () => {
    const trunc3 = (x: number) => Math.floor(x * 1000) / 1000;
    expect(trunc3(chem.qed('N=C(CCSCc1csc(N=C(N)N)n1)NS(N)(=O)=O')!)).toBe(0.253);
    expect(trunc3(chem.qed('CNC(=NCCSCc1nc[nH]c1C)NC#N')!)).toBe(0.234);
    expect(trunc3(chem.qed('CCCCCNC(=N)NN=Cc1c[nH]c2ccc(CO)cc12')!)).toBe(0.234);
  });

  it('is undefined for what RDKit cannot parse, and for the empty string', () => {
    expect(chem.qed('C1CC')).toBeUndefined();
    expect(chem.qed('')).toBeUndefined();
    expect(chem.describe('  ')).toEqual({ smiles: '  ', valid: false });
  });
});

describe('descriptors and canonical SMILES', () => {
  it('Crippen logP, TPSA and MolWt agree with RDKit', () => {
    expect(worst((i) => [ours[i].logp, fixture.molecules[i].logp]).max).toBeLessThan(1e-6);
    expect(worst((i) => [ours[i].tpsa, fixture.molecules[i].tpsa]).max).toBeLessThan(1e-6);
    expect(worst((i) => [ours[i].mw, fixture.molecules[i].mw]).max).toBeLessThan(1e-6);
  });

  it('describe gives the same values in one call', () => {
    const r = fixture.molecules[0];
    expect(chem.describe(r.smiles)).toEqual({ smiles: r.smiles, valid: true, canonical: ours[0].canonical, qed: ours[0].qed, logp: ours[0].logp, tpsa: ours[0].tpsa, mw: ours[0].mw });
  });

  it('canonical SMILES: the same string as RDKit 2022.09 (all 1,050 today; a later RDKit may write some differently, but the same molecule), stable under re-parsing', () => {
    let same = 0;
    fixture.molecules.forEach((r, i) => {
      const c = ours[i].canonical;
      if (c === r.canonical) same++;
      // Newer RDKit may write some stereo SMILES differently; it must still be the same molecule.
      else expect(chem.canonical(r.canonical)).toBe(c);
    });
    expect(same / fixture.molecules.length).toBeGreaterThan(0.9);
    for (const r of fixture.molecules.slice(0, 50)) expect(chem.canonical(chem.canonical(r.smiles)!)).toBe(chem.canonical(r.smiles));
  });
});
