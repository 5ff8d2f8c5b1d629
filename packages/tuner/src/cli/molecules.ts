/**
 * `vaekit molecules describe|sample`: the chemistry of SMILES files and of a SMILES model's prior
 * samples. RDKit comes with the optional package @vaekit/molecules, loaded only here.
 */
import * as fs from 'fs';
import * as v8 from 'v8';
import * as vm from 'vm';
import { UsageError } from '@vaekit/study';
import { parseArgs } from './args';
import { checkInputDir, checkInputFile, checkOutputPath, sameFile } from './paths';

type Molecules = typeof import('@vaekit/molecules');

/** Prior draws at most for `molecules sample`. */
export const MAX_SAMPLES = 1_000_000;
/** IntDiv is computed on at most this many valid samples (the first ones): its cost grows as n². */
export const INT_DIV_MAX = 10_000;
/** `molecules sample` runs a full garbage collection after this many samples (see there why). */
const GC_EVERY = 5_000;
/** Invalid lines listed by number, at most (all are counted). */
const LISTED_INVALID = 20;

const HELP = `usage:
  vaekit molecules describe --data FILE.smi [--out props.csv] [--json]
      one CSV row per SMILES (smiles,valid,canonical,qed,logp,tpsa,mw), in order, invalid ones
      with empty property cells; without --out the CSV goes to stdout and the summary to stderr
  vaekit molecules sample --checkpoint DIR [--n 10000] [--method greedy|sample] [--seed S]
                          [--train FILE] [--out samples.smi] [--json]
      decode prior draws of a SMILES model and score them as MOSES does (validity, uniqueness,
      novelty against --train, internal diversity, QED and logP); --out also writes a picture of
      the first 48 valid samples beside the file (samples.smi: samples.svg)
  vaekit molecules optimize --checkpoint DIR --objective qed|logp|predicted-NAME|FILE.js
                          [--trials 500] [--sampler tpe|random] [--top 10] [--storage URL]
                          [--study NAME] [--workers K] [--train FILE] [--seed S] [--out DIR] [--json]
      search the latent space of a SMILES model for molecules maximising a property: one study
      parameter per latent dimension in [-3, 3], each trial decoded greedily and scored with RDKit
      (FILE.js: module.exports = (mol) => number, mol = {smiles, canonical, qed, logp, tpsa, mw})
`;

/**
 * @vaekit/molecules, or a UsageError saying how to install it. Imported without @vaekit/pipelines,
 * so that `describe` does not load TensorFlow.js.
 */
export async function loadMolecules(): Promise<Molecules> {
  try {
    return await import('@vaekit/molecules');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'MODULE_NOT_FOUND' && /@vaekit\/molecules|@rdkit\/rdkit/.test(err.message)) {
      throw new UsageError('vaekit molecules needs the optional package @vaekit/molecules (RDKit for Node.js): install it with npm install @vaekit/molecules');
    }
    throw e;
  }
}

export async function molecules(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'describe') return describe(rest);
  if (sub === 'sample') return sample(rest);
  if (sub === 'optimize') return (await import('./molecules-optimize')).optimize(rest);
  if (!sub || sub === 'help') {
    process.stdout.write(HELP);
    if (!sub) throw new UsageError('vaekit molecules: expected a subcommand, describe, sample or optimize');
    return;
  }
  throw new UsageError(`vaekit molecules: unknown subcommand "${sub}" (expected describe, sample or optimize)`);
}

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A property value with enough digits to compare with RDKit's (at most 6 decimals). */
function num(x: number | undefined): string {
  return x === undefined ? '' : String(Number(x.toFixed(6)));
}

/** Mean and population standard deviation, streamed (Welford). */
class Running {
  n = 0;
  private m = 0;
  private s = 0;
  add(x: number): void {
    this.n++;
    const d = x - this.m;
    this.m += d / this.n;
    this.s += d * (x - this.m);
  }
  get summary(): { mean: number | null; sd: number | null } {
    return this.n ? { mean: this.m, sd: Math.sqrt(this.s / this.n) } : { mean: null, sd: null };
  }
}

async function describe(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['data', 'out'], booleans: ['json'] }, 'molecules describe');
  if (a.positionals.length) throw new UsageError(`vaekit molecules describe: unexpected argument "${a.positionals[0]}"`);
  if (!a.flags.data) throw new UsageError('vaekit molecules describe: --data FILE.smi is required');
  const data = String(a.flags.data);
  checkInputFile(data, 'vaekit molecules describe: --data');
  const out = a.flags.out === undefined ? undefined : String(a.flags.out);
  if (out !== undefined) {
    checkOutputPath(out, 'file', 'vaekit molecules describe: --out');
    if (sameFile(out, data)) throw new UsageError(`vaekit molecules describe: --out ${out} is the --data file`);
  }
  const { loadChemistry } = await loadMolecules();
  const { forEachSmiles } = await import('@vaekit/pipelines');
  const chem = await loadChemistry();

  // Rows are written as they are computed: memory does not grow with the file.
  const tmp = out === undefined ? undefined : `${out}.${process.pid}.tmp`;
  const fd = tmp === undefined ? 1 : fs.openSync(tmp, 'w');
  let buffer = '';
  const flush = (force: boolean) => {
    if (buffer.length > (force ? 0 : 1 << 16)) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
  };
  const stats = { qed: new Running(), logp: new Running(), tpsa: new Running(), mw: new Running() };
  const invalidLines: number[] = []; // the first LISTED_INVALID; all are counted
  let invalid = 0;
  let n = 0;
  try {
    buffer += 'smiles,valid,canonical,qed,logp,tpsa,mw\n';
    forEachSmiles(data, (smiles, line) => {
      n++;
      const d = chem.describe(smiles);
      if (d.valid) {
        stats.qed.add(d.qed!);
        stats.logp.add(d.logp!);
        stats.tpsa.add(d.tpsa!);
        stats.mw.add(d.mw!);
      } else if (invalid++ < LISTED_INVALID) invalidLines.push(line);
      buffer += [csvField(smiles), d.valid ? 'true' : 'false', csvField(d.canonical ?? ''), num(d.qed), num(d.logp), num(d.tpsa), num(d.mw)].join(',') + '\n';
      flush(false);
    });
    flush(true);
    if (tmp !== undefined) {
      fs.closeSync(fd);
      fs.renameSync(tmp, out!);
    }
  } catch (e) {
    if (tmp !== undefined) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
    }
    throw e;
  }
  const valid = n - invalid;
  const summary = {
    n,
    valid,
    invalid,
    validity: valid / n,
    invalidLines,
    qed: stats.qed.summary,
    logp: stats.logp.summary,
    tpsa: stats.tpsa.summary,
    mw: stats.mw.summary,
  };
  // The summary goes last on stdout when the CSV went to a file, else last on stderr.
  const log = out === undefined ? process.stderr : process.stdout;
  if (invalid) {
    const listed = invalidLines.join(', ');
    process.stderr.write(
      `${data}: ${invalid} of ${n} lines are not valid SMILES (line${invalid > 1 ? 's' : ''} ${listed}${invalid > LISTED_INVALID ? ', ...' : ''}); their property cells are empty\n`,
    );
  }
  if (a.flags.json) log.write(JSON.stringify(summary) + '\n');
  else {
    const f = (s: { mean: number | null; sd: number | null }, d: number) => (s.mean === null ? '-' : `${s.mean.toFixed(d)} ± ${s.sd!.toFixed(d)}`);
    log.write(
      `${n} SMILES, ${valid} valid (${((100 * valid) / n).toFixed(1)}%); QED ${f(summary.qed, 3)}, logP ${f(summary.logp, 2)}, TPSA ${f(summary.tpsa, 1)} Å², MW ${f(summary.mw, 1)} g/mol (mean ± sd of the valid)${out ? `; wrote ${out}` : ''}\n`,
    );
  }
}

/** V8's full garbage collection as a function (exposed at run time), or undefined if V8 refuses. */
function fullCollection(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? () => gc() : undefined;
  } catch {
    return undefined;
  }
}

async function sample(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['checkpoint', 'n', 'method', 'seed', 'train', 'out', 'max-length'], booleans: ['json'] }, 'molecules sample');
  if (a.positionals.length) throw new UsageError(`vaekit molecules sample: unexpected argument "${a.positionals[0]}"`);
  if (!a.flags.checkpoint) throw new UsageError('vaekit molecules sample: --checkpoint DIR is required');
  const checkpoint = String(a.flags.checkpoint);
  checkInputDir(checkpoint, 'vaekit molecules sample: --checkpoint');
  const n = a.flags.n === undefined ? 10_000 : Number(a.flags.n);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SAMPLES) throw new UsageError(`vaekit molecules sample: --n: expected an integer from 1 to ${MAX_SAMPLES}, found "${a.flags.n}"`);
  const method = String(a.flags.method ?? 'greedy');
  if (method !== 'greedy' && method !== 'sample') throw new UsageError(`vaekit molecules sample: --method: expected greedy or sample, found "${method}"`);
  const seed = a.flags.seed === undefined ? 0 : Number(a.flags.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`vaekit molecules sample: --seed: expected an integer >= 0, found "${a.flags.seed}"`);
  const maxLengthFlag = a.flags['max-length'] === undefined ? undefined : Number(a.flags['max-length']);
  if (maxLengthFlag !== undefined && (!Number.isInteger(maxLengthFlag) || maxLengthFlag < 1 || maxLengthFlag > 10_000)) {
    throw new UsageError(`vaekit molecules sample: --max-length: expected an integer from 1 to 10000, found "${a.flags['max-length']}"`);
  }
  const train = a.flags.train === undefined ? undefined : String(a.flags.train);
  if (train !== undefined) checkInputFile(train, 'vaekit molecules sample: --train');
  const out = a.flags.out === undefined ? undefined : String(a.flags.out);
  if (out !== undefined) {
    checkOutputPath(out, 'file', 'vaekit molecules sample: --out');
    if (train !== undefined && sameFile(out, train)) throw new UsageError(`vaekit molecules sample: --out ${out} is the --train file`);
  }
  // The picture beside --out: same base name, .svg (samples.svg.svg when --out itself ends in .svg).
  const picture = out === undefined ? undefined : /\.svg$/i.test(out) ? `${out}.svg` : out.replace(/(\.[^./\\]*)?$/, '.svg');
  if (picture !== undefined) {
    checkOutputPath(picture, 'file', 'vaekit molecules sample: --out (its picture)');
    if (train !== undefined && sameFile(picture, train)) throw new UsageError(`vaekit molecules sample: the picture ${picture} would replace the --train file`);
  }

  const { loadChemistry, MoleculeSetAccumulator, referenceSet, moleculeGridSvgWith, GRID_DEFAULTS } = await loadMolecules();
  const { readCheckpointMetadata } = await import('@vaekit/core');
  const { loadCheckpointModel, forEachSampleChunk, forEachSmiles, fileTrainSetFingerprint, generationLength, isTrainSetFingerprint } = await import('@vaekit/pipelines');
  const tf = await import('@tensorflow/tfjs-core');

  const meta = readCheckpointMetadata(checkpoint);
  const modelFile = `${checkpoint.replace(/\/+$/, '')}/model.json`;
  if (meta && typeof meta === 'object' && meta.config && meta.vocab === undefined) {
    throw new UsageError(`${modelFile}: this checkpoint holds a model of vectors or images, not of SMILES strings: vaekit molecules sample needs a text model trained with tokenizer: smiles`);
  }
  const { model, vocab, config } = await loadCheckpointModel(checkpoint);
  let trainCheck: { n: number; matches: boolean | null } | undefined;
  let reference: import('@vaekit/molecules').ReferenceSet | undefined;
  const chem = await loadChemistry();
  // The samples are decoded, written and scored a chunk at a time: memory does not grow with --n
  // beyond the metrics' one entry per distinct molecule.
  const acc = new MoleculeSetAccumulator(chem, { intDivMax: INT_DIV_MAX });
  const shown: Array<{ smiles: string; legend: string }> = []; // the picture's first valid samples
  const tmp = out === undefined ? undefined : `${out}.${process.pid}.tmp`;
  let fd: number | undefined;
  let decodeMs = 0;
  let scoreMs = 0;
  try {
    if (!vocab || vocab.tokenizer.kind !== 'smiles') {
      throw new UsageError(
        `${modelFile}: this text model was trained with the ${vocab?.tokenizer.kind ?? 'unknown'} tokenizer, not smiles: vaekit molecules sample needs a model of SMILES strings (data.tokenizer: smiles)`,
      );
    }
    const dataMaxLength = (config.data as { maxLength?: number }).maxLength;
    if (train !== undefined) {
      // Read (and so check) the training file before the long part.
      const trainLines: string[] = [];
      forEachSmiles(train, (s) => trainLines.push(s));
      const stored = meta.trainSet;
      if (!isTrainSetFingerprint(stored)) {
        trainCheck = { n: trainLines.length, matches: null };
        process.stderr.write(`${train}: the checkpoint keeps no fingerprint of its training set, so --train cannot be checked against it\n`);
      } else {
        const given = fileTrainSetFingerprint(train, vocab, dataMaxLength);
        const matches = given.n === stored.n && given.sha256 === stored.sha256;
        trainCheck = { n: trainLines.length, matches };
        if (!matches) {
          process.stderr.write(
            `${train}: not the training set of this checkpoint (${given.n} sequences, the model was trained on ${stored.n}${given.n === stored.n ? ' with other contents' : ''}); novelty is measured against ${train} all the same\n`,
          );
        }
      }
      const t = Date.now();
      reference = referenceSet(chem, trainLines);
      scoreMs += Date.now() - t;
    }
    const longest = Number.isSafeInteger(meta.longestSequence) ? meta.longestSequence : 100;
    const maxLength = maxLengthFlag ?? generationLength(longest);
    if (tmp !== undefined) fd = fs.openSync(tmp, 'w');
    const collect = fullCollection();
    let drawn = 0;
    let t = Date.now();
    forEachSampleChunk(model, vocab, n, { method, maxLength, seed }, (chunk) => {
      const t1 = Date.now();
      decodeMs += t1 - t;
      // The decoder's per-row token arrays outlive many minor collections, so they reach the old
      // generation as garbage, about 1 KB per sample, which V8 lets grow to some 50 MB before its
      // first full collection. A full collection every GC_EVERY samples (tens of milliseconds
      // against seconds of decoding) keeps that garbage to a fixed amount whatever --n.
      if (Math.floor((drawn + chunk.length) / GC_EVERY) > Math.floor(drawn / GC_EVERY)) collect?.();
      drawn += chunk.length;
      const lines = chunk.map((s) => s.replace(/\s+/g, ''));
      if (fd !== undefined) fs.writeSync(fd, lines.map((s) => s + '\n').join(''));
      for (const s of chunk) acc.add(s);
      if (picture !== undefined) {
        for (const smiles of lines) {
          if (shown.length >= GRID_DEFAULTS.max) break;
          const qed = chem.qed(smiles);
          if (qed !== undefined) shown.push({ smiles, legend: `QED ${qed.toFixed(2)}` });
        }
      }
      t = Date.now();
      scoreMs += t - t1;
    });
    if (fd !== undefined) {
      fs.closeSync(fd);
      fd = undefined;
      fs.renameSync(tmp!, out!);
    }
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    if (tmp !== undefined) fs.rmSync(tmp, { force: true });
    throw e;
  } finally {
    tf.dispose(model.weights());
  }
  process.stderr.write(`decoded ${n} prior draws (${method}) in ${(decodeMs / 1000).toFixed(1)} s\n`);
  const t2 = Date.now();
  const m = acc.result(reference);
  scoreMs += Date.now() - t2;
  process.stderr.write(`scored ${n} samples${reference ? ` and ${reference.n} training molecules` : ''} with RDKit ${chem.version} in ${(scoreMs / 1000).toFixed(1)} s\n`);
  if (picture !== undefined) fs.writeFileSync(picture, moleculeGridSvgWith(chem.rdkit, shown));
  const ms = (d: { mean: number; sd: number }) => ({ mean: Number.isFinite(d.mean) ? d.mean : null, sd: Number.isFinite(d.sd) ? d.sd : null });
  const fin = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  const result = {
    n,
    validity: m.validity,
    uniqueness: fin(m.uniqueness),
    novelty: fin(m.novelty),
    intDiv: fin(m.intDiv),
    qed: ms(m.properties.qed),
    logp: ms(m.properties.logp),
    valid: m.valid,
    unique: m.unique,
    uniqueAt: m.uniqueAt,
    tpsa: ms(m.properties.tpsa),
    mw: ms(m.properties.mw),
    method,
    ...(trainCheck ? { train: trainCheck } : {}),
    // The training set's distributions beside the samples' (MOSES compares them by the Fréchet
    // distance of fitted Gaussians).
    ...(reference
      ? {
          trainProperties: { qed: ms(reference.properties.qed), logp: ms(reference.properties.logp), tpsa: ms(reference.properties.tpsa), mw: ms(reference.properties.mw), of: reference.propertiesOf },
          frechet: m.frechet,
        }
      : {}),
  };
  const pct = (x: number | null) => (x === null ? '-' : (100 * x).toFixed(1) + '%');
  const line =
    `${n} samples: validity ${pct(result.validity)}, uniqueness ${pct(result.uniqueness)}, novelty ${train ? pct(result.novelty) : '- (give --train)'}, ` +
    `IntDiv ${result.intDiv === null ? '-' : result.intDiv.toFixed(3)}, QED ${result.qed.mean?.toFixed(3) ?? '-'} ± ${result.qed.sd?.toFixed(3) ?? '-'}, ` +
    `logP ${result.logp.mean?.toFixed(2) ?? '-'} ± ${result.logp.sd?.toFixed(2) ?? '-'}${out ? `; wrote ${out} and ${picture}` : ''}`;
  if (a.flags.json) {
    process.stderr.write(line + '\n');
    process.stdout.write(JSON.stringify(result) + '\n');
  } else process.stdout.write(line + '\n');
  process.stderr.write(`peak resident memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
}

