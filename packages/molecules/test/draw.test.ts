/**
 * The molecule grid is one well-formed SVG document (checked by Python's XML parser, expat), with
 * a cell per molecule, escaped legends and strings, nothing that runs or fetches, and ids unique
 * across cells; the sanitiser re-writes hostile SVG to drawing elements only.
 */
import { spawnSync } from 'child_process';
import { loadRDKit, moleculeGridSvg, moleculeGridSvgWith, RDKitMol, sanitizeSvg } from '../src';

/** Element names and attributes of a document as expat parses it; throws on malformed XML. */
function parseXml(doc: string): { tags: string[]; attrs: Array<[string, string, string]>; texts: string[] } {
  const py = `
import sys, json, xml.etree.ElementTree as E
root = E.fromstring(sys.stdin.buffer.read())
out = {"tags": [], "attrs": [], "texts": []}
for el in root.iter():
    tag = el.tag.split('}')[-1]
    out["tags"].append(tag)
    out["attrs"] += [[tag, k, v] for k, v in el.attrib.items()]
    if el.text and el.text.strip(): out["texts"].append(el.text)
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { input: doc, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`not well-formed XML: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function expectHarmless(p: ReturnType<typeof parseXml>): void {
  for (const t of p.tags) expect(['script', 'foreignObject', 'a', 'image', 'use', 'style', 'iframe']).not.toContain(t);
  for (const [, k, v] of p.attrs) {
    expect(k).not.toMatch(/^on/i);
    expect(k).not.toMatch(/href$/i);
    expect(v).not.toMatch(/javascript:|url\((?!#)/i);
  }
}

const HOSTILE = '<script>alert(1)</script>';

describe('moleculeGridSvg', () => {
  it('draws one cell per molecule, escapes hostile legends and strings, keeps ids unique', async () => {
    const items = [
      { smiles: 'c1ccccc1O', legend: 'QED 0.46' },
      { smiles: 'CC(=O)Nc1ccc(O)cc1', legend: HOSTILE },
      { smiles: HOSTILE, legend: 'x" onload="alert(1)' },
      { smiles: 'C1CC', legend: 'unclosed ring' },
      { smiles: '[13CH3][Se+]', legend: '&amp; \u0000 ok' },
    ];
    const doc = await moleculeGridSvg(items, { columns: 2, cellWidth: 200, cellHeight: 160 });
    expect(doc).not.toMatch(/<\?xml|<!DOCTYPE|<script|<foreignObject/i);
    const p = parseXml(doc);
    expect(p.tags[0]).toBe('svg');
    expectHarmless(p);
    expect(p.attrs.filter(([t, k, v]) => t === 'g' && k === 'class' && v === 'molecule')).toHaveLength(5);
    // 2 columns x 3 rows of 200 x 160.
    const root = Object.fromEntries(p.attrs.filter(([t]) => t === 'svg').slice(0, 3).map(([, k, v]) => [k, v]));
    expect([root.width, root.height]).toEqual(['400', '480']);
    // Three drawings nested as <svg>, two invalid cells with their string and "invalid".
    expect(p.tags.filter((t) => t === 'svg')).toHaveLength(1 + 3);
    expect(p.texts.filter((t) => t === 'invalid')).toHaveLength(2);
    expect(p.texts).toContain(HOSTILE); // the SMILES, shown as text
    expect(p.texts).toContain('C1CC');
    expect(p.texts).toContain('x" onload="alert(1)');
    expect(p.texts).toContain('&amp; \uFFFD ok');
    const ids = p.attrs.filter(([, k]) => k === 'id').map(([, , v]) => v);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws at most max cells and frees every molecule', async () => {
    const rdkit = await loadRDKit();
    const made: RDKitMol[] = [];
    // The module as the grid sees it, keeping every molecule it hands out.
    const counting = {
      get_mol: (s: string) => {
        const m = rdkit.get_mol(s);
        if (m) made.push(m);
        return m;
      },
    } as unknown as typeof rdkit;
    const doc = moleculeGridSvgWith(counting, Array.from({ length: 30 }, (_, k) => ({ smiles: 'C'.repeat(k + 1) })), { max: 7, columns: 3 });
    expect(parseXml(doc).attrs.filter(([t, k]) => t === 'g' && k === 'class')).toHaveLength(7);
    expect(made).toHaveLength(7);
    expect(made.every((m) => m.isDeleted())).toBe(true);
    expect(() => moleculeGridSvgWith(rdkit, [], { columns: 0 })).toThrow(/columns/);
    expect(parseXml(moleculeGridSvgWith(rdkit, [])).tags).toEqual(['svg', 'rect']);
  });
});

describe('sanitizeSvg', () => {
  const hostile =
    `<?xml version='1.0'?>\n<!DOCTYPE svg>\n<svg xmlns='http://www.w3.org/2000/svg' width='100px' height='50px' viewBox='0 0 100 50' onload='alert(1)'>` +
    `<!-- c --><defs><clipPath id='clip1'><rect x='0' y='0' width='10' height='10'/></clipPath></defs>` +
    `<script>alert(2)</script><foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>hi</div></foreignObject>` +
    `<g clip-path='url(#clip1)' onclick="alert(3)"><path d='M 0 0 L 1 1' style='fill:url(http://evil/x)' fill='url(#clip1)'/>` +
    `<a href='javascript:alert(4)'><text>link</text></a><image href='http://evil/x.png'/><use xlink:href='#clip1'/>` +
    `<text x='1' y='2' style='fill:red'>a &lt;b&gt; &amp; c</text></g><style>@import url(http://evil/)</style></svg>`;

  it('keeps drawing elements, prefixes ids and their references, drops the rest', () => {
    const s = sanitizeSvg(hostile, 'c7-')!;
    expect(s.viewBox).toEqual([0, 0, 100, 50]);
    const wrapped = `<svg xmlns="http://www.w3.org/2000/svg">${s.body}</svg>`;
    const p = parseXml(wrapped);
    expectHarmless(p);
    expect(p.tags).toEqual(['svg', 'defs', 'clipPath', 'rect', 'g', 'path', 'text']);
    expect(p.attrs).toContainEqual(['clipPath', 'id', 'c7-clip1']);
    expect(p.attrs).toContainEqual(['g', 'clip-path', 'url(#c7-clip1)']);
    expect(p.attrs).toContainEqual(['path', 'fill', 'url(#c7-clip1)']);
    expect(p.attrs.some(([t, k]) => t === 'path' && k === 'style')).toBe(false); // external url dropped
    expect(p.texts).toEqual(['a <b> & c']);
    expect(s.body).not.toMatch(/alert|evil|link|hi</);
  });

  it('re-writes a grid of its own: its drawings stay nested svg elements, its texts stay', async () => {
    const grid = await moleculeGridSvg([{ smiles: 'c1ccccc1O', legend: 'a' }, { smiles: 'C1CC' }], { columns: 2 });
    const s = sanitizeSvg(grid, 't3-')!;
    expect(s.viewBox).toEqual([0, 0, 500, 200]);
    const p = parseXml(`<svg xmlns="http://www.w3.org/2000/svg">${s.body}</svg>`);
    expectHarmless(p);
    expect(p.tags.filter((t) => t === 'svg')).toHaveLength(2); // the wrapper and the one drawing
    expect(p.texts).toEqual(['a', 'C1CC', 'invalid']);
  });

  it('refuses what is not a well-formed SVG document', () => {
    const ok = "<svg width='10' height='10'><path d='M0 0'/></svg>";
    expect(sanitizeSvg(ok, 'p')?.body).toBe('<path d="M0 0"/>');
    for (const bad of [
      "<svg width='10' height='10'><path d='M0 0'></svg>", // unbalanced
      "<svg width='10' height='10'><g></path></g></svg>",
      "<svg width='10' height='10'><path d=M0/></svg>", // unquoted
      "<!DOCTYPE svg [<!ENTITY x 'y'>]><svg width='10' height='10'></svg>",
      "<svg width='10' height='10'><text>&x;</text></svg>", // undefined entity
      "<svg width='10' height='10'><![CDATA[<script>]]></svg>",
      "<svg><path d='M0 0'/></svg>", // no size
      "<svg viewBox='0 0 1e400 10'></svg>", // not a finite size
      "<svg width='0' height='10'></svg>",
      "<html width='10' height='10'></html>",
      "<svg width='10' height='10'></svg><svg width='10' height='10'></svg>",
      'plain text',
    ]) {
      expect(sanitizeSvg(bad, 'p')).toBeUndefined();
    }
    expect(() => sanitizeSvg(ok, '1"')).toThrow(/prefix/);
  });
});
