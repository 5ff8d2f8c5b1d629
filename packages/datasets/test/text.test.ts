import * as fs from 'fs';
import * as path from 'path';
import { sequenceBatch, SPECIAL_TOKENS, UNK_ID, type Dataset, type DataSplit, type Vocabulary } from '@vaekit/core';
import {
  brown,
  brownWords,
  buildVocabulary,
  datasetPlugins,
  decodeIds,
  decodeSequences,
  encodeFile,
  encodeLines,
  patternProblem,
  text,
  tokenize,
} from '../src';
import { ConfigError, DataError } from '../src/errors';
import { addAt, SequenceCollector, TokenIds } from '../src/text/corpus';
import { MAX_DISTINCT_TOKENS } from '../src/text/vocabulary';
import { thrown, tmpDir } from './helpers';

const dir = tmpDir();
const ctx = { path: 'data', baseDir: dir };
const write = (name: string, content: string | Buffer): string => {
  fs.writeFileSync(path.join(dir, name), content);
  return name;
};

/** The sequences of a split as text. */
const lines = (ds: Dataset, s: DataSplit): string[] => decodeSequences(s.seq!, ds.vocab!);

/** Captures what `fn` writes on stderr. */
function stderrOf<T>(fn: () => T): { value: T; err: string } {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const value = fn();
    return { value, err: spy.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    spy.mockRestore();
  }
}

// A few hundred short sentences over a small vocabulary with known counts: word w_k appears in
// sentence i when (i + k) % (k + 2) === 0, so lower k are more frequent.
const sentences = Array.from({ length: 300 }, (_, i) => {
  const words = ['the'];
  for (let k = 0; k < 12; k++) if ((i + k) % (k + 2) === 0) words.push(`w${k}`);
  words.push(i % 2 ? 'cat' : 'dog');
  return words.join(' ');
});

describe('tokenizers', () => {
  it('words: split on any Unicode whitespace, optionally lowercased', () => {
    expect(tokenize('  The  quick\tbrown\u00a0fox \u2003jumps ', { kind: 'words', lowercase: false })).toEqual(['The', 'quick', 'brown', 'fox', 'jumps']);
    expect(tokenize('Éclair ÜBER', { kind: 'words', lowercase: true })).toEqual(['éclair', 'über']);
    expect(tokenize('   ', { kind: 'words', lowercase: false })).toEqual([]);
  });

  it('chars: Unicode code points, not UTF-16 units', () => {
    const t = tokenize('a😀é 𝄞', { kind: 'chars', lowercase: false });
    expect(t).toEqual(['a', '😀', 'é', ' ', '𝄞']);
    expect('a😀é 𝄞'.length).toBe(7); // 7 UTF-16 units, 5 characters
    expect(tokenize('AbC', { kind: 'chars', lowercase: true })).toEqual(['a', 'b', 'c']);
    // Whitespace around a line is not part of it (Penn Treebank lines start with a space).
    expect(tokenize(' a b\t', { kind: 'chars', lowercase: false })).toEqual(['a', ' ', 'b']);
  });

  // Tokens from Python's re.findall with the published SMILES pattern (the Molecular Transformer's),
  // recorded with Debian's Python 3.11. RDKit parses every string but the two with an unclosed
  // %nn ring bond, which are here for the tokenizer only.
  const reference: [string, string][] = [
    ['C[C@@H](Cl)c1ccc(Br)cc1%12', 'C [C@@H] ( Cl ) c 1 c c c ( Br ) c c 1 %12'],
    ['c1cc[nH+]cc1', 'c 1 c c [nH+] c c 1'],
    ['CC(=O)Oc1ccccc1C(=O)O', 'C C ( = O ) O c 1 c c c c c 1 C ( = O ) O'],
    ['CN1C=NC2=C1C(=O)N(C(=O)N2C)C', 'C N 1 C = N C 2 = C 1 C ( = O ) N ( C ( = O ) N 2 C ) C'],
    ['F/C=C/F', 'F / C = C / F'],
    ['C1CC2CCC1C2.[Na+].[Cl-]', 'C 1 C C 2 C C C 1 C 2 . [Na+] . [Cl-]'],
    ['O=S(=O)(N)c1cc(Cl)c(NCc2ccco2)cc1C(=O)O', 'O = S ( = O ) ( N ) c 1 c c ( Cl ) c ( N C c 2 c c c o 2 ) c c 1 C ( = O ) O'],
    ['[2H]C([2H])([2H])I', '[2H] C ( [2H] ) ( [2H] ) I'],
    ['c1ccc2c(c1)[nH]c1ccccc12', 'c 1 c c c 2 c ( c 1 ) [nH] c 1 c c c c c 1 2'],
    ['N[C@@H](Cc1c[nH]c2ccccc12)C(=O)O', 'N [C@@H] ( C c 1 c [nH] c 2 c c c c c 1 2 ) C ( = O ) O'],
    ['CC(C)(C)OC(=O)N1CCC%10CC1', 'C C ( C ) ( C ) O C ( = O ) N 1 C C C %10 C C 1'],
    ['BrCCBr', 'Br C C Br'],
    ['ClC(Cl)(Cl)Cl', 'Cl C ( Cl ) ( Cl ) Cl'],
    ['[O-][N+](=O)c1ccccc1', '[O-] [N+] ( = O ) c 1 c c c c c 1'],
    ['OC1=CC=CC=C1\\C=C\\C', 'O C 1 = C C = C C = C 1 \\ C = C \\ C'],
    ['B(O)(O)c1ccccc1', 'B ( O ) ( O ) c 1 c c c c c 1'],
    ['[Fe+2]', '[Fe+2]'],
  ];

  it('smiles: the same tokens as the reference regex (Cl, Br, bracket atoms and %nn ring bonds are single tokens)', () => {
    for (const [smiles, tokens] of reference) {
      const t = tokenize(smiles, { kind: 'smiles', lowercase: false });
      expect(t.join(' ')).toBe(tokens);
      expect(t.join('')).toBe(smiles);
    }
  });

  it('smiles: a character the pattern cannot cut is an error naming it and its column, never dropped', () => {
    const cut = (s: string) => thrown(() => tokenize(s, { kind: 'smiles', lowercase: false })).message;
    expect(cut('CCX')).toBe("'X' at column 3 is not part of a SMILES token");
    expect(cut('CC[NH')).toBe("'[' at column 3 is not part of a SMILES token (an unclosed bracket atom)");
    expect(cut('CC O')).toMatch(/column 3 .*no spaces/);
    expect(cut('C%1C')).toMatch(/'%' at column 2/); // a ring bond number after % has two digits
  });

  it('regex: every match is a token, text between matches is skipped', () => {
    const spec = { kind: 'regex' as const, pattern: "[\\p{L}']+|\\d+|[^\\p{L}\\d\\s]", lowercase: true };
    expect(tokenize("Don't panic, it's 42!", spec)).toEqual(["don't", 'panic', ',', "it's", '42', '!']);
  });

  it('regex: refuses patterns that do not compile, can match the empty string, or nest quantifiers', () => {
    expect(patternProblem('\\w+|[^\\w\\s]')).toBeNull();
    expect(patternProblem('[A-Z][a-z]?|\\d{1,3}')).toBeNull();
    expect(patternProblem('(')).toMatch(/^not a valid regular expression/);
    for (const p of ['a*', 'x|', '\\b', '(?=a)', '(?<=a)']) expect(patternProblem(p)).toMatch(/can match the empty string/);
    for (const p of ['(a+)+b', '(?:\\w*\\s?)*x', '(\\d{2,})+c', '([ab]+)*c']) expect(patternProblem(p)).toMatch(/nested quantifiers/);
  });
});

describe('vocabulary', () => {
  const words = { kind: 'words' as const, lowercase: false };

  it('starts with the 4 specials, then words by descending count, ties in character-code order', () => {
    const v = buildVocabulary(['b a c', 'a b d', 'a <unk> zz', 'Z'], words);
    expect(v.tokens.slice(0, 4)).toEqual([...SPECIAL_TOKENS]);
    // a: 3, b: 2, then the count-1 words in code-unit order (uppercase before lowercase); <unk> is not a word.
    expect(v.tokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>', 'a', 'b', 'Z', 'c', 'd', 'zz']);
    expect(v.tokenizer).toEqual(words);
  });

  it('maxVocab keeps the most frequent words (specials not counted); minCount drops rare ones', () => {
    const v = buildVocabulary(sentences, words, { maxVocab: 5 });
    expect(v.tokens).toEqual([...SPECIAL_TOKENS, 'the', 'cat', 'dog', 'w0', 'w1']);
    const counts = new Map<string, number>();
    for (const s of sentences) for (const w of s.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
    const atLeast20 = [...counts.keys()].filter((w) => counts.get(w)! >= 20);
    const m = buildVocabulary(sentences, words, { minCount: 20 });
    expect(new Set(m.tokens.slice(4))).toEqual(new Set(atLeast20));
    for (let i = 5; i < m.tokens.length; i++) expect(counts.get(m.tokens[i - 1])!).toBeGreaterThanOrEqual(counts.get(m.tokens[i])!);
  });

  it('encodes with <unk> for unknown words and decodes back to the text', () => {
    const v = buildVocabulary(sentences, words);
    const enc = encodeLines(sentences, v);
    expect(enc.tokens).toBeInstanceOf(Int32Array);
    expect(enc.offsets.length).toBe(sentences.length + 1);
    expect(decodeSequences(enc, v)).toEqual(sentences);
    const unk = encodeLines(['the zebra cat'], v);
    expect(Array.from(unk.tokens)).toEqual([v.tokens.indexOf('the'), UNK_ID, v.tokens.indexOf('cat')]);
    expect(decodeIds(unk.tokens, v)).toBe('the <unk> cat');
    // Decoding a generated row: <bos> skipped, stops at <eos>.
    expect(decodeIds([1, v.tokens.indexOf('dog'), 2, v.tokens.indexOf('cat'), 0], v)).toBe('dog');
  });

  it('round-trips characters and SMILES, joined without spaces', () => {
    const chars = { kind: 'chars' as const, lowercase: false };
    const cv = buildVocabulary(['héllo wörld', 'a😀b'], chars);
    expect(decodeSequences(encodeLines(['héllo wörld', 'a😀b'], cv), cv)).toEqual(['héllo wörld', 'a😀b']);
    const smiles = ['C[C@@H](Cl)c1ccc(Br)cc1%12', 'c1cc[nH+]cc1'];
    const sv = buildVocabulary(smiles, { kind: 'smiles', lowercase: false });
    expect(sv.tokens).toContain('[nH+]');
    expect(sv.tokens).toContain('%12');
    expect(decodeSequences(encodeLines(smiles, sv), sv)).toEqual(smiles);
  });

  it('encodeFile reads a file as the dataset does, with a given vocabulary, and says where each sequence came from', () => {
    const v = buildVocabulary(['the cat sat', 'the dog'], words);
    write('reconstruct.txt', 'the cat\n\n  the zebra sat  \n');
    const e = encodeFile(path.join(dir, 'reconstruct.txt'), v, { name: 'reconstruct.txt', maxLength: 1 });
    expect(decodeSequences(e.seq, v)).toEqual(['the', 'the']);
    expect(Array.from(e.lines)).toEqual([1, 3]);
    expect(e.cut).toBe(2);
    expect(decodeSequences(encodeFile(path.join(dir, 'reconstruct.txt'), v).seq, v)).toEqual(['the cat', 'the <unk> sat']);
    write('reconstruct-bad.txt', Buffer.from([0x61, 0x0a, 0xff, 0x0a]));
    expect(thrown(() => encodeFile(path.join(dir, 'reconstruct-bad.txt'), v, { name: 'in.txt' })).message).toMatch(/^in\.txt line 2: not UTF-8 text/);
    write('reconstruct-empty.txt', '\n\n');
    expect(thrown(() => encodeFile(path.join(dir, 'reconstruct-empty.txt'), v, { name: 'in.txt' })).message).toMatch(/^in\.txt has no sequences/);
  });

  it('encodeLines cuts to maxLength and names the line the tokenizer cannot cut', () => {
    const sv = buildVocabulary(['CCO'], { kind: 'smiles', lowercase: false });
    const e = encodeLines(['CCOCC', 'CO'], sv, { maxLength: 3 });
    expect(Array.from(e.offsets)).toEqual([0, 3, 5]);
    expect(e.cut).toBe(1);
    const err = thrown(() => encodeLines(['CCO', 'CCX'], sv, { name: 'mols.txt' }));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe("mols.txt line 2: 'X' at column 3 is not part of a SMILES token");
  });
});

describe('text dataset', () => {
  const all = write('all.txt', ['', ...sentences.slice(0, 100).flatMap((s, i) => (i % 10 === 3 ? [s, '   '] : [s])), ''].join('\n'));

  it('is registered and gives the sequence Dataset the core expects', () => {
    expect(datasetPlugins.map((p) => p.name)).toEqual(expect.arrayContaining(['text', 'brown']));
    const ds = text.create({ path: all }, ctx);
    const V = ds.vocab!.tokens.length;
    expect(ds.info).toEqual({ shape: [], min: 0, max: V - 1, sequence: { vocabSize: V } });
    expect(ds.binarize).toBe('none');
    for (const s of [ds.train, ds.validation, ds.test]) {
      expect(s.x.length).toBe(0);
      expect(s.dim).toBe(0);
      expect(s.seq!.tokens).toBeInstanceOf(Int32Array);
      expect(s.seq!.offsets[0]).toBe(0);
      expect(s.seq!.offsets.length).toBe(s.n + 1);
    }
    // Blank and whitespace-only lines are skipped: 100 sequences; default test 0.1, validation 0.
    expect([ds.train.n, ds.validation.n, ds.test.n]).toEqual([90, 0, 10]);
    const b = sequenceBatch(ds.train.seq!, null, 0, 2);
    expect(b.T).toBe(2 + Math.max(sentences[0].split(' ').length, sentences[1].split(' ').length));
    expect(b.ids[0]).toBe(1);
    expect(decodeIds(b.ids.subarray(0, b.T), ds.vocab!)).toBe(sentences[0]);
  });

  it('splits one file by counts and fractions, in file order: [train | validation | test]', () => {
    const ds = text.create({ path: all, validation: 10, test: 20 }, ctx);
    expect([ds.train.n, ds.validation.n, ds.test.n]).toEqual([70, 10, 20]);
    expect(lines(ds, ds.train)).toEqual(sentences.slice(0, 70));
    expect(lines(ds, ds.validation)).toEqual(sentences.slice(70, 80));
    expect(lines(ds, ds.test)).toEqual(sentences.slice(80, 100));
    const f = text.create({ path: all, validation: 0.25, test: 0.2 }, ctx);
    expect([f.train.n, f.validation.n, f.test.n]).toEqual([60, 20, 20]);
  });

  it('shuffles deterministically by seed before splitting', () => {
    const a = text.create({ path: all, shuffle: true, seed: 3, test: 20 }, ctx);
    const b = text.create({ path: all, shuffle: true, seed: 3, test: 20 }, ctx);
    const c = text.create({ path: all, shuffle: true, seed: 4, test: 20 }, ctx);
    expect(lines(a, a.test)).toEqual(lines(b, b.test));
    expect(lines(a, a.test)).not.toEqual(lines(c, c.test));
    expect([...lines(a, a.train), ...lines(a, a.test)].sort()).toEqual(sentences.slice(0, 100).sort());
  });

  it('builds the vocabulary from the training split only; other splits read unseen words as <unk>', () => {
    const train = write('train.txt', 'a b c\nb c\n');
    const valid = write('valid.txt', 'c d\n');
    const test = write('test.txt', 'e a\n');
    const ds = text.create({ train, validation: valid, test }, ctx);
    expect(ds.vocab!.tokens).toEqual([...SPECIAL_TOKENS, 'b', 'c', 'a']);
    expect(lines(ds, ds.validation)).toEqual(['c <unk>']);
    expect(lines(ds, ds.test)).toEqual(['<unk> a']);
    // Held-out lines of one file do not count either.
    const one = write('one.txt', 'x y\nx y\nz q\n');
    const held = text.create({ path: one, test: 1 }, ctx);
    expect(held.vocab!.tokens).toEqual([...SPECIAL_TOKENS, 'x', 'y']);
    expect(lines(held, held.test)).toEqual(['<unk> <unk>']);
  });

  it('applies maxVocab, minCount, lowercase, limit and the tokenizer options', () => {
    const ds = text.create({ path: all, maxVocab: 3, test: 0 }, ctx);
    expect(ds.vocab!.tokens).toEqual([...SPECIAL_TOKENS, 'the', 'cat', 'dog']);
    expect(text.create({ train: write('mixed.txt', 'The THE the\n'), test: 0, lowercase: true }, ctx).vocab!.tokens).toEqual([...SPECIAL_TOKENS, 'the']);
    expect(text.create({ path: all, limit: 30, test: 5 }, ctx).train.n).toBe(25);
    const mols = write('mols.smi', 'CCO\nc1cc[nH+]cc1\nBrCCBr\n');
    const sm = text.create({ train: mols, tokenizer: 'smiles', test: 0 }, ctx);
    expect(sm.vocab!.tokenizer).toEqual({ kind: 'smiles', lowercase: false });
    expect(lines(sm, sm.train)).toEqual(['CCO', 'c1cc[nH+]cc1', 'BrCCBr']);
    const rx = text.create({ train: mols, tokenizer: 'regex', pattern: '\\[[^\\]]+\\]|Br|.', test: 0 }, ctx);
    expect(rx.vocab!.tokens).toContain('[nH+]');
    expect(rx.train.seq!.offsets[3] - rx.train.seq!.offsets[2]).toBe(4); // Br C C Br
  });

  it('cuts lines longer than maxLength and says on stderr how many', () => {
    const { value: ds, err } = stderrOf(() => text.create({ path: all, maxLength: 4, test: 0 }, ctx));
    const long = sentences.slice(0, 100).filter((s) => s.split(' ').length > 4).length;
    expect(long).toBeGreaterThan(1);
    expect(err).toBe(`data.path: ${long} lines longer than maxLength 4 tokens were cut\n`);
    let longest = 0;
    for (let i = 0; i < ds.train.n; i++) longest = Math.max(longest, ds.train.seq!.offsets[i + 1] - ds.train.seq!.offsets[i]);
    expect(longest).toBe(4);
    expect(lines(ds, ds.train)[0]).toBe(sentences[0].split(' ').slice(0, 4).join(' '));
    expect(stderrOf(() => text.create({ path: all, test: 0 }, ctx)).err).toBe('');
  });

  it('uses a given vocabulary as is: unknown words read as <unk>, nothing is rebuilt', () => {
    const vocabulary: Vocabulary = { tokens: [...SPECIAL_TOKENS, 'dog', 'the'], tokenizer: { kind: 'words', lowercase: false } };
    const ds = text.create({ path: all, test: 0 }, { ...ctx, vocabulary });
    expect(ds.vocab).toBe(vocabulary);
    expect(ds.info.sequence).toEqual({ vocabSize: 6 });
    expect(lines(ds, ds.train)[0]).toBe(sentences[0].split(' ').map((w) => (w === 'dog' || w === 'the' ? w : '<unk>')).join(' '));
  });
});

describe('text dataset: bad input', () => {
  const bad = (options: object, extra: object = {}) => thrown(() => text.create(options as never, { ...ctx, ...extra }));

  it('an empty file, or one with only blank lines', () => {
    for (const [name, content] of [['empty.txt', ''], ['blank.txt', '\n  \n\t\n\r\n']]) {
      const e = bad({ train: write(name, content) });
      expect(e).toBeInstanceOf(DataError);
      expect(e.message).toBe(`data.train: ${name} has no sequences: it is empty or has only blank lines (expected one sequence per line)`);
      expect(e.path).toBe('data.train');
    }
    write('ok.txt', 'a b\nc d\n');
    expect(bad({ train: 'ok.txt', test: write('empty-test.txt', '') }).message).toMatch(/^data\.test: empty-test\.txt has no sequences/);
  });

  it('a file that is not UTF-8, naming the file, line and byte', () => {
    write('latin1.txt', Buffer.concat([Buffer.from('one line\ntwo\ncaf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]));
    const e = bad({ train: 'latin1.txt' });
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(
      'data.train: latin1.txt line 3: not UTF-8 text (byte 4 of the line is 0xE9); text datasets must be UTF-8 encoded (convert a Latin-1 file with: iconv -f latin1 -t utf-8)',
    );
    // A byte-order mark and CRLF line endings are fine.
    const ds = text.create({ train: write('bom.txt', '\ufeffhello world\r\nbye\r\n'), test: 0 }, ctx);
    expect(lines(ds, ds.train)).toEqual(['hello world', 'bye']);
  });

  it('a huge line, or a file without newlines, bounded by maxLineBytes', () => {
    write('huge.txt', 'short line\n' + 'x'.repeat(5000) + '\n');
    const e = bad({ train: 'huge.txt', maxLineBytes: 1000 });
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^data\.train: huge\.txt line 2: a line longer than 1000 bytes; expected one sequence per line \(raise maxLineBytes/);
    write('nonewline.bin', Buffer.alloc(200 * 1024, 0x41));
    expect(bad({ train: 'nonewline.bin' }).message).toMatch(/^data\.train: nonewline\.bin line 1: a line longer than 65536 bytes/);
  });

  it('a regex tokenizer reads lines of at most 4 KiB by default, which bounds the time of a slow pattern', () => {
    // '\\w+x' scans from every start position to the end of a line of letters: quadratic time.
    write('letters.txt', 'a'.repeat(4000) + '\n' + 'b'.repeat(5000) + '\n');
    const e = bad({ train: 'letters.txt', tokenizer: 'regex', pattern: '\\w+x|\\d' });
    expect(e.message).toMatch(/^data\.train: letters\.txt line 2: a line longer than 4096 bytes/);
    const t0 = Date.now();
    const one = write('letters1.txt', 'a'.repeat(4000) + ' 7\n');
    expect(text.create({ train: one, tokenizer: 'regex', pattern: '\\w+x|\\d', test: 0 }, ctx).train.seq!.tokens.length).toBe(1);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a SMILES line with a character the tokenizer cannot cut, naming the file and line', () => {
    write('bad.smi', 'CCO\nCC(=O)O\nCC§C\n');
    const e = bad({ train: 'bad.smi', tokenizer: 'smiles' });
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe("data.train: bad.smi line 3: '§' at column 3 is not part of a SMILES token");
  });

  it('a given vocabulary without the 4 specials at 0..3, or built with another tokenizer', () => {
    const e = bad({ path: 'ok.txt' }, { vocabulary: { tokens: ['<pad>', '<unk>', 'a'], tokenizer: { kind: 'words', lowercase: false } } });
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(
      `data: the checkpoint's vocabulary must start with the special tokens <pad> <bos> <eos> <unk> at ids 0..3, found ["<pad>","<unk>","a"]`,
    );
    const twice = { tokens: [...SPECIAL_TOKENS, 'a', 'a'], tokenizer: { kind: 'words', lowercase: false } };
    expect(bad({ path: 'ok.txt' }, { vocabulary: twice }).message).toMatch(/lists "a" twice \(ids 4 and 5\)/);
    const chars = { tokens: [...SPECIAL_TOKENS, 'a'], tokenizer: { kind: 'chars', lowercase: false } };
    const m = bad({ path: 'ok.txt' }, { vocabulary: chars });
    expect(m).toBeInstanceOf(DataError);
    expect(m.message).toMatch(/^data: the checkpoint's vocabulary was built with the chars tokenizer, but the data options ask for words/);
  });

  it('more distinct tokens than a vocabulary can be built from, naming the file and line', () => {
    // The bound is MAX_DISTINCT_TOKENS (4,194,304); a table with a bound of 5 behaves the same.
    const collector = new SequenceCollector(new TokenIds({ kind: 'words', lowercase: false }, undefined, 5));
    addAt(collector, ['a', 'b', 'a', 'c'], 'many.txt', 1);
    addAt(collector, ['d', 'e', '<unk>'], 'many.txt', 2);
    const e = thrown(() => addAt(collector, ['a', 'f'], 'many.txt', 3));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(
      'many.txt line 3: more than 5 distinct tokens; is this text, one sequence per line? (a vocabulary this large cannot be trained; clean or lowercase the text first)',
    );
    expect(MAX_DISTINCT_TOKENS).toBe(4194304);
  });

  it('contradictory or invalid options, naming the option', () => {
    const cases: [object, RegExp][] = [
      [{}, /^data\.train: required/],
      [{ train: 'ok.txt', path: 'ok.txt' }, /^data\.path: give either path or train, not both/],
      [{ train: 'ok.txt', tokenizer: 'regex' }, /^data\.pattern: required with tokenizer 'regex'/],
      [{ train: 'ok.txt', tokenizer: 'regex', pattern: '(a+)+' }, /^data\.pattern: nested quantifiers/],
      [{ train: 'ok.txt', tokenizer: 'regex', pattern: '\\s*' }, /^data\.pattern: it can match the empty string/],
      [{ train: 'ok.txt', pattern: '\\w+' }, /^data\.pattern: only the 'regex' tokenizer takes a pattern/],
      [{ train: 'ok.txt', tokenizer: 'smiles', lowercase: true }, /^data\.lowercase: SMILES is case-sensitive/],
      [{ train: 'ok.txt', validation: 1, test: 1 }, /^data\.validation: holding out 1 validation and 1 test lines of the 2 in ok\.txt leaves none/],
      [{ train: 'ok.txt', validation: 1.5 }, /^data\.validation: expected a whole number/],
      [{ train: 'missing.txt' }, /^data\.train: file not found: /],
      [{ train: 'ok.txt', test: 'missing.txt' }, /^data\.test: file not found: /],
      [{ train: 'ok.txt', tokenizer: 'bpe' }, /^data\.tokenizer: must be one of 'words', 'chars', 'smiles', 'regex'/],
    ];
    for (const [o, re] of cases) {
      const e = bad(o);
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toMatch(re);
    }
    fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
    const e = bad({ train: '../ok.txt' }, { baseDir: path.join(dir, 'config') });
    expect(e.message).toMatch(/^data\.train: .*ok\.txt is outside the config's folder and the working directory/);
  });
});

describe('brown corpus', () => {
  it('strips the POS tags', () => {
    expect(brownWords('\tThe/at Fulton/np-tl County/nn-tl said/vbd Atlanta\'s/np$ 1/2/cd ./.', false)).toEqual([
      'The',
      'Fulton',
      'County',
      'said',
      "Atlanta's",
      '1/2',
      '.',
    ]);
  });

  it('loads all 57,340 sentences (1,161,192 words, as NLTK counts them), tags stripped and lowercased, first sentence first', () => {
    const ds = brown.create({ shuffle: false, validation: 0, test: 0 }, ctx);
    expect(ds.train.n).toBe(57340);
    expect(ds.train.seq!.tokens.length).toBe(1161192);
    expect(decodeIds(ds.train.seq!.tokens.subarray(0, ds.train.seq!.offsets[1]), ds.vocab!)).toBe(
      "the fulton county grand jury said friday an investigation of atlanta's recent primary election produced `` no evidence '' that any irregularities took place .",
    );
    expect(ds.vocab!.tokens.slice(4, 8)).toEqual(['the', ',', '.', 'of']);
    expect(ds.vocab!.tokenizer).toEqual({ kind: 'words', lowercase: true });
  });

  it('splits deterministically (shuffled by seed by default), by genre and by counts', () => {
    const a = brown.create({ categories: ['news'] }, ctx);
    const b = brown.create({ categories: ['news'] }, ctx);
    expect(a.train.n + a.validation.n + a.test.n).toBe(4623);
    expect([a.validation.n, a.test.n]).toEqual([Math.round(0.1 * (4623 - 462)), 462]);
    expect(lines(a, a.test)).toEqual(lines(b, b.test));
    const c = brown.create({ categories: ['humor'], validation: 100, test: 200, lowercase: false, maxLength: 10, maxVocab: 50 }, ctx);
    expect([c.validation.n, c.test.n]).toEqual([100, 200]);
    expect(c.vocab!.tokens.length).toBe(54);
    expect(c.vocab!.tokens).toContain('The');
  });
});
