/**
 * The MOSES metrics against their definitions recomputed with RDKit's Python API (the fixture's
 * "metrics" part, from test/fixtures/rdkit_reference.py) and against values worked out by hand.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chemistry, distribution, frechet1d, histogram, internalDiversity, loadChemistry, MoleculeSetAccumulator, moleculeSetMetrics, referenceSet, tanimoto } from '../src';

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'rdkit-reference.json'), 'utf8')) as {
  metrics: { generated: string[]; train: string[]; expected: { n: number; valid: number; validity: number; uniqueness: number; novelty: number; uniqueAt: Record<string, number>; intDiv: number } };
};
let chem: Chemistry;

beforeAll(async () => {
  chem = await loadChemistry();
});

describe('MOSES metrics', () => {
  it('match the MOSES definitions computed with RDKit 2022.09 on a mixed set (invalid, duplicates written differently, training molecules)', () => {
    const { generated, train, expected } = fixture.metrics;
    const m = moleculeSetMetrics(chem, generated, { reference: referenceSet(chem, train, 100), k: [10, 100] });
    expect(m.n).toBe(expected.n);
    expect(m.valid).toBe(expected.valid);
    expect(m.validity).toBeCloseTo(expected.validity, 12);
    expect(m.uniqueness).toBeCloseTo(expected.uniqueness, 12);
    expect(m.novelty).toBeCloseTo(expected.novelty!, 12);
    expect(m.uniqueAt).toEqual({ '10': expected.uniqueAt['10'], '100': expected.uniqueAt['100'] });
    expect(Math.abs(m.intDiv - expected.intDiv)).toBeLessThan(1e-9);
  });

  it('by hand: validity, uniqueness, novelty and unique@k of a small set', () => {
    const gen = ['CCO', 'OCC', 'C1CC', '', 'c1ccccc1', 'C1=CC=CC=C1', 'CCN', 'xyz'];
    const m = moleculeSetMetrics(chem, gen, { reference: referenceSet(chem, ['NCC', 'CCCC']), k: [2, 4, 10] });
    expect(m.valid).toBe(5);
    expect(m.validity).toBe(5 / 8);
    expect(m.unique).toBe(3); // ethanol, benzene (Kekulé or aromatic), ethylamine
    expect(m.uniqueness).toBe(3 / 5);
    expect(m.uniqueAt).toEqual({ '2': 1 / 2, '4': 2 / 4 }); // first valid: CCO OCC | c1ccccc1 C1=CC=CC=C1
    expect(m.novel).toBe(2); // ethylamine is in the training set, written NCC there
    expect(m.novelty).toBe(2 / 3);
    expect(m.frechet!.qed).toBeGreaterThanOrEqual(0);
  });

  it('IntDiv is 1 − the mean of the full Tanimoto matrix, diagonal included', () => {
    const gen = ['CCO', 'CCO', 'CCN', 'c1ccccc1O', 'CC(=O)Nc1ccc(O)cc1'];
    const fps = gen.map((s) => chem.morgan(s)!);
    let sum = 0;
    for (const a of fps) for (const b of fps) sum += tanimoto(a, b);
    expect(internalDiversity(fps)).toBeCloseTo(1 - sum / 25, 14);
    expect(moleculeSetMetrics(chem, gen).intDiv).toBeCloseTo(1 - sum / 25, 14);
    // intDivMax: on the first valid molecules only (an invalid string in between does not count).
    const cut = moleculeSetMetrics(chem, ['CCO', 'C1CC', 'CCN', 'c1ccccc1O'], { intDivMax: 2 });
    expect(cut.intDivOf).toBe(2);
    expect(cut.intDiv).toBeCloseTo(internalDiversity([fps[0], fps[2]]), 14);
    // One molecule: its only pair is itself.
    expect(internalDiversity([fps[0]])).toBe(0);
    // Empty fingerprints count as identical to each other and share nothing with the rest.
    const e = new Uint16Array(0);
    expect(internalDiversity([e, e, fps[0]])).toBeCloseTo(1 - (3 + 2) / 9, 14);
  });

  it('the sparse inverted-index IntDiv equals the brute-force one on 300 ZINC molecules', () => {
    const fps = fixture.metrics.train.slice(0, 300).map((s) => chem.morgan(s)!);
    let sum = 0;
    for (const a of fps) for (const b of fps) sum += tanimoto(a, b);
    expect(internalDiversity(fps)).toBeCloseTo(1 - sum / (300 * 300), 12);
  });

  it('Morgan fingerprints: the on-bits of RDKit’s bit string, radius and length as asked', () => {
    const s = 'CC(=O)Nc1ccc(O)cc1';
    const bits = chem.morgan(s)!;
    const str = chem.withMol(s, (m) => m.get_morgan_fp(JSON.stringify({ radius: 2, nBits: 2048 })))!;
    expect(Array.from(bits)).toEqual([...str].flatMap((c, i) => (c === '1' ? [i] : [])));
    const small = chem.morgan(s, { radius: 1, nBits: 512 })!;
    expect(Math.max(...small)).toBeLessThan(512);
    expect(small.length).toBeLessThan(bits.length);
    expect(tanimoto(bits, bits)).toBe(1);
    expect(chem.morgan('')).toBeUndefined();
  });

  it('the accumulator fed in chunks gives exactly the metrics of the whole array (repeats, invalid strings, unique@k and IntDiv cut mid-chunk)', () => {
    const { generated, train } = fixture.metrics;
    // Repeats across chunks and a few invalid strings, so every part of the bookkeeping is exercised.
    const gen = [...generated, ...train.slice(0, 60), '', 'C1CC', ...generated.slice(0, 25), ...train.slice(30, 90)];
    const reference = referenceSet(chem, train, 100);
    const options = { k: [7, 50, 100], intDivMax: 45 };
    const whole = moleculeSetMetrics(chem, gen, { ...options, reference });
    for (const size of [1, 13]) {
      const acc = new MoleculeSetAccumulator(chem, options);
      for (let a = 0; a < gen.length; a += size) gen.slice(a, a + size).forEach((s) => acc.add(s));
      expect(acc.result(reference)).toEqual(whole);
    }
    expect(whole.valid).toBeGreaterThan(whole.unique);
    expect(whole.intDivOf).toBe(45);
    expect(Object.keys(whole.uniqueAt)).toEqual(['7', '50', '100']);
    // The distributions are those of every valid sample's properties in order, repeats included.
    const described = gen.map((s) => chem.describe(s)).filter((d) => d.valid);
    expect(whole.properties.logp.mean).toBeCloseTo(distribution(described.map((d) => d.logp!), { min: -4, max: 8, bins: 24 }).mean, 10);
    expect(whole.properties.mw).toEqual(distribution(described.map((d) => d.mw!), { min: 0, max: 700, bins: 28 }));
    // Without a reference: the same figures, no novelty.
    const acc = new MoleculeSetAccumulator(chem, options);
    gen.forEach((s) => acc.add(s));
    const bare = acc.result();
    expect(bare.novelty).toBeUndefined();
    expect(bare.properties).toEqual(whole.properties);
  });

  it('a set with no valid molecule has validity 0 and no other figure', () => {
    const m = moleculeSetMetrics(chem, ['', 'C1CC']);
    expect(m.validity).toBe(0);
    expect(m.uniqueness).toBeNaN();
    expect(m.intDiv).toBeNaN();
  });
});

describe('distributions', () => {
  it('mean, population sd, histogram with out-of-range values in the end bins, and the Fréchet distance of two Gaussians', () => {
    const d = distribution([1, 2, 3, 4, -10, 20], { min: 0, max: 5, bins: 5 });
    expect(d.mean).toBeCloseTo(20 / 6, 12);
    expect(d.sd).toBeCloseTo(Math.sqrt([1, 2, 3, 4, -10, 20].reduce((s, x) => s + (x - 20 / 6) ** 2, 0) / 6), 12);
    expect(d.histogram).toEqual({ edges: [0, 1, 2, 3, 4, 5], counts: [1, 1, 1, 1, 2] });
    expect(histogram([0.05, 0.95, 1], { min: 0, max: 1, bins: 10 }).counts).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(frechet1d({ mean: 1, sd: 2 }, { mean: 3, sd: 5 })).toBeCloseTo(4 + 4 + 25 - 20, 12);
  });
});
