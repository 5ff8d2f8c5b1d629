/**
 * A whitelist re-writer for the SVG documents RDKit draws, so they can be nested in another SVG
 * or put inline in an HTML page. RDKit draws strings that come from untrusted SMILES (bracket atom
 * labels, legends), and a picture read back from a folder is untrusted as a whole: nothing of the
 * input is passed through as it is. The document is tokenised, and only drawing elements and
 * presentation attributes are written back out, every value re-escaped. Scripts, event handlers,
 * foreignObject, links, images, style sheets, entity definitions and external references cannot
 * come through; ids are prefixed so that pictures put side by side do not share any.
 */

/**
 * Elements written back (with their children); any other element is dropped with its subtree.
 * A nested `svg` is kept so that a grid of drawings can itself be re-written.
 */
const ELEMENTS: ReadonlySet<string> = new Set(['svg', 'g', 'rect', 'path', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'defs', 'clipPath']);

/** Presentation attributes kept; `id` and `url(#…)` references are rewritten with the prefix. */
const ATTRIBUTES: ReadonlySet<string> = new Set([
  'id', 'd', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'width', 'height', 'points', 'transform',
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin', 'stroke-opacity',
  'stroke-miterlimit', 'stroke-dasharray', 'opacity', 'style', 'font-family', 'font-size', 'font-weight', 'font-style',
  'text-anchor', 'dominant-baseline', 'clip-path', 'clipPathUnits', 'viewBox', 'preserveAspectRatio', 'overflow',
]);

/** Elements whose text content is drawn (elsewhere text between tags is layout whitespace). */
const TEXT_ELEMENTS: ReadonlySet<string> = new Set(['text', 'tspan']);

const ID = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** What survives of an SVG document: its view box and the markup of its children. */
export interface SanitizedSvg {
  /** The root's viewBox (four numbers), or `0 0 width height` from its size. */
  viewBox: [number, number, number, number];
  /** The children of the root, re-written; no XML declaration, doctype or comments. */
  body: string;
}

/**
 * Characters XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/U+FFFF) replaced by U+FFFD,
 * then `& < > " '` escaped: safe as text and as a quoted attribute value, in SVG and in HTML.
 */
export function escapeXml(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return clean.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** The five XML entities and character references decoded; undefined for any other entity. */
function decodeEntities(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);|&/g, (m, name: string | undefined) => {
    if (name === undefined) return ((bad = true), '');
    if (name[0] === '#') {
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code > 0x10ffff) return ((bad = true), '');
      return String.fromCodePoint(code);
    }
    const v = NAMED_ENTITIES[name];
    if (v === undefined) bad = true;
    return v ?? '';
  });
  return bad ? undefined : out;
}

/**
 * An attribute value as it may be written back, or undefined to drop the attribute: no external
 * reference (url() other than to an id of the same picture), no script or CSS tricks.
 */
function cleanValue(name: string, value: string, prefix: string): string | undefined {
  if (name === 'id') return ID.test(value) ? prefix + value : undefined;
  // CSS escapes, comments and at-rules could spell anything; drawing never needs them.
  if (/[\\<>]|\/\*|@|expression\s*\(|javascript:|data:/i.test(value)) return undefined;
  let ok = true;
  const out = value.replace(/url\s*\(\s*(['"]?)([^)'"]*)\1\s*\)/gi, (_m, _q, ref: string) => {
    const id = ref.startsWith('#') ? ref.slice(1) : '';
    if (!ID.test(id)) ok = false;
    return `url(#${prefix}${id})`;
  });
  // A url( left after rewriting is one the pattern did not recognise.
  if (!ok || /url\s*\(/i.test(out.replace(/url\(#[A-Za-z0-9_.-]+\)/g, ''))) return undefined;
  return out;
}

/** The view box of the root element's attributes, or undefined when it has none that is sane. */
function viewBoxOf(attrs: Map<string, string>): [number, number, number, number] | undefined {
  const vb = attrs.get('viewBox');
  if (vb !== undefined) {
    const parts = vb.trim().split(/[\s,]+/);
    if (parts.length === 4 && parts.every((p) => NUMBER.test(p))) {
      const v = parts.map(Number) as [number, number, number, number];
      if (v.every(Number.isFinite) && v[2] > 0 && v[3] > 0) return v;
    }
    return undefined;
  }
  const w = (attrs.get('width') ?? '').replace(/px$/, '');
  const h = (attrs.get('height') ?? '').replace(/px$/, '');
  const size = [Number(w), Number(h)];
  if (NUMBER.test(w) && NUMBER.test(h) && size.every((x) => Number.isFinite(x) && x > 0)) return [0, 0, size[0], size[1]];
  return undefined;
}

const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
// Sticky: matched at a position of the document without slicing it.
const START_TAG = new RegExp(`<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, 'y');
const ATTR = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
const END_TAG = new RegExp(`</(${NAME})\\s*>`, 'y');
const DOCTYPE = /<!DOCTYPE\s[^<>[\]]*>/y;

/** The match of sticky `re` at `at`, or null. */
function matchAt(re: RegExp, s: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(s);
}

/**
 * Re-writes an SVG document: the root must be `<svg>` with a view box or a size; its drawing
 * elements come back with ids prefixed by `idPrefix` (letters, digits, `_`, `-`). Returns
 * undefined for anything that is not a well-formed document of that shape (unbalanced tags,
 * unquoted attributes, entities other than XML's own, a doctype with declarations, CDATA, more
 * than `maxBytes` characters).
 */
export function sanitizeSvg(svg: string, idPrefix: string, maxBytes = 4 << 20): SanitizedSvg | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(idPrefix)) throw new Error(`sanitizeSvg: id prefix "${idPrefix}" is not a valid id start`);
  if (svg.length > maxBytes) return undefined;
  const out: string[] = [];
  const open: string[] = []; // every open element, kept or not
  let dropDepth = 0; // > 0 inside an element that is dropped with its subtree
  let keptText = 0; // > 0 inside a kept text element
  let viewBox: SanitizedSvg['viewBox'] | undefined;
  let rootClosed = false;
  let i = 0;
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const textEnd = lt < 0 ? svg.length : lt;
    if (textEnd > i) {
      const raw = svg.slice(i, textEnd);
      if (open.length === 0 || rootClosed) {
        if (raw.trim()) return undefined; // text outside the root
      } else {
        const text = decodeEntities(raw);
        if (text === undefined) return undefined;
        if (keptText > 0 && dropDepth === 0) out.push(escapeXml(text));
      }
      i = textEnd;
      continue;
    }
    if (svg.startsWith('<?', i)) {
      // The XML declaration (or a processing instruction): dropped, only before the root.
      const end = svg.indexOf('?>', i);
      if (end < 0 || open.length > 0 || viewBox) return undefined;
      i = end + 2;
      continue;
    }
    if (svg.startsWith('<!--', i)) {
      const end = svg.indexOf('-->', i + 4);
      if (end < 0) return undefined;
      i = end + 3;
      continue;
    }
    if (svg.startsWith('<!', i)) {
      // A doctype without an internal subset is dropped; one with declarations (entities) refused.
      const m = matchAt(DOCTYPE, svg, i);
      if (!m || open.length > 0 || viewBox) return undefined;
      i += m[0].length;
      continue;
    }
    const end = matchAt(END_TAG, svg, i);
    if (end) {
      const name = end[1];
      if (open.pop() !== name) return undefined;
      i += end[0].length;
      if (open.length === 0) {
        rootClosed = true;
        continue;
      }
      if (dropDepth > 0) dropDepth--;
      else {
        out.push(`</${name}>`);
        if (TEXT_ELEMENTS.has(name)) keptText--;
      }
      continue;
    }
    const start = matchAt(START_TAG, svg, i);
    if (!start) return undefined;
    i += start[0].length;
    const [, name, attrText, selfClosing] = start;
    const attrs = new Map<string, string>();
    for (const a of attrText.matchAll(ATTR)) {
      const value = decodeEntities(a[2] ?? a[3] ?? '');
      if (value === undefined) return undefined;
      attrs.set(a[1], value);
    }
    if (open.length === 0) {
      if (rootClosed || name !== 'svg') return undefined;
      viewBox = viewBoxOf(attrs);
      if (!viewBox) return undefined;
      if (selfClosing) rootClosed = true;
      else open.push(name);
      continue;
    }
    if (rootClosed) return undefined;
    if (!selfClosing) open.push(name);
    if (dropDepth > 0 || !ELEMENTS.has(name)) {
      if (!selfClosing) dropDepth++;
      continue;
    }
    let tag = `<${name}`;
    for (const [k, v] of attrs) {
      if (!ATTRIBUTES.has(k)) continue;
      const clean = cleanValue(k, v, idPrefix);
      if (clean !== undefined) tag += ` ${k}="${escapeXml(clean)}"`;
    }
    out.push(tag + (selfClosing ? '/>' : '>'));
    if (!selfClosing && TEXT_ELEMENTS.has(name)) keptText++;
  }
  if (!rootClosed || !viewBox || open.length) return undefined;
  return { viewBox, body: out.join('') };
}
