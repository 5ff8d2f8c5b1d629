import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { VaekitError } from '@vaekit/study';
import { shownValue } from '../config/paths';

/**
 * A checkpoint that cannot be used: missing, not a vaekit checkpoint, unreadable, or saved from
 * another architecture or data shape. The message names the directory or file. It is the user's
 * input (exit code 2).
 */
export class CheckpointError extends VaekitError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: 2, cause: options.cause });
  }
}

export const CHECKPOINT_FORMAT = 'vaekit-checkpoint';
export const CHECKPOINT_VERSION = 1;
/** model.json holds the weight manifest and the resolved config: far below this. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Deeper JSON than this in model.json is not something vaekit wrote. */
const MAX_MANIFEST_DEPTH = 64;
const MAX_WEIGHTS = 100_000;
const MAX_WEIGHTS_BYTES = 2 ** 31 - 1;

/** One weight in the manifest, as tfjs writes it. Only float32 weights are saved by vaekit. */
export interface CheckpointWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** A weights group: its files (in order, confined to the checkpoint folder) and the weights they hold. */
export interface CheckpointGroup {
  /** The files as shown in messages (the checkpoint folder joined with the manifest's path). */
  files: string[];
  /** The same files with links resolved; all inside the checkpoint folder, all regular files. */
  realFiles: string[];
  sizes: number[];
  weights: CheckpointWeightSpec[];
  /** Bytes the weights need: the files together hold exactly this many. */
  bytes: number;
}

/** A checked model.json. */
export interface CheckpointManifest {
  dir: string;
  /** model.json, as shown in messages. */
  file: string;
  version: number;
  /** The plugins (`use:` values) the checkpoint's model needs, when it lists them. */
  plugins?: string[];
  groups: CheckpointGroup[];
  userDefinedMetadata: any;
}

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A value for a message: short, one line, without control characters. */
const shown = (v: unknown): string => shownValue(v, 80);

/** The checkpoint folder with links resolved; a CheckpointError when it is missing or not a folder. */
function realDir(dir: string): string {
  const file = path.join(dir, 'model.json');
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new CheckpointError(`checkpoint not found: ${file} does not exist`);
  }
  if (!st.isDirectory()) throw new CheckpointError(`${dir}: a checkpoint is a folder holding model.json and weights.bin, this is not a folder`);
  return fs.realpathSync(dir);
}

/**
 * Resolves `rel` inside the checkpoint folder: after resolving links it must stay inside the
 * folder and be a regular file. Returns the real path and its size.
 */
function confinedFile(dir: string, real: string, rel: string, what: string): { shownFile: string; realFile: string; size: number } {
  const shownFile = path.join(dir, rel);
  let realFile: string;
  try {
    realFile = fs.realpathSync(path.join(real, rel));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CheckpointError(`${shownFile}: cannot read the checkpoint's ${what}: the file does not exist`);
    throw new CheckpointError(`${shownFile}: cannot read the checkpoint's ${what}: ${(e as Error).message}`);
  }
  if (!inside(realFile, real)) {
    throw new CheckpointError(`${shownFile}: the checkpoint's ${what} must be a file inside the checkpoint folder ${dir}, but it leads to ${shown(realFile)}`);
  }
  const st = fs.statSync(realFile);
  if (!st.isFile()) throw new CheckpointError(`${shownFile}: the checkpoint's ${what} is not a regular file`);
  return { shownFile, realFile, size: st.size };
}

/** Reads exactly `size` bytes of a regular file into `into` at `offset`; more or fewer is a CheckpointError. */
function readExactly(realFile: string, shownFile: string, size: number, into: Buffer, offset: number, what: string): void {
  const fd = fs.openSync(realFile, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, into, offset + got, size - got, null);
      if (n === 0) break;
      got += n;
    }
    if (got < size) throw new CheckpointError(`${shownFile}: the checkpoint's ${what} ended after ${got} bytes, ${size} expected`);
    // One byte more: the file grew after it was measured.
    if (fs.readSync(fd, Buffer.alloc(1), 0, 1, null) !== 0) throw new CheckpointError(`${shownFile}: the checkpoint's ${what} is longer than its ${size} bytes`);
  } finally {
    fs.closeSync(fd);
  }
}

function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > MAX_MANIFEST_DEPTH) return max;
    if (v && typeof v === 'object') for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return max;
}

/** Reads and parses model.json (confined, bounded, a JSON object of format vaekit-checkpoint). */
export function readManifestJson(dir: string): { file: string; real: string; json: any } {
  const real = realDir(dir);
  const file = path.join(dir, 'model.json');
  let f: ReturnType<typeof confinedFile>;
  try {
    f = confinedFile(dir, real, 'model.json', 'model.json');
  } catch (e) {
    if (e instanceof CheckpointError && /does not exist/.test(e.message)) throw new CheckpointError(`checkpoint not found: ${file} does not exist`);
    throw e;
  }
  if (f.size > MAX_MANIFEST_BYTES) throw new CheckpointError(`${file}: not a vaekit checkpoint (${f.size} bytes; a model.json is at most ${MAX_MANIFEST_BYTES})`);
  const buf = Buffer.alloc(f.size);
  readExactly(f.realFile, file, f.size, buf, 0, 'model.json');
  let json: any;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new CheckpointError(`${file}: not a vaekit checkpoint (${(e as Error).message})`, { cause: e });
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new CheckpointError(`${file}: not a vaekit checkpoint (expected a JSON object)`);
  if (depthOf(json) > MAX_MANIFEST_DEPTH) throw new CheckpointError(`${file}: not a vaekit checkpoint (nested deeper than ${MAX_MANIFEST_DEPTH} levels)`);
  if (json.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${file}: not a vaekit checkpoint (format is ${json.format === undefined ? 'missing' : `"${shown(json.format)}"`}, expected "${CHECKPOINT_FORMAT}")`);
  }
  const meta = json.userDefinedMetadata;
  if (meta !== undefined && (meta === null || typeof meta !== 'object' || Array.isArray(meta))) {
    throw new CheckpointError(`${file}: userDefinedMetadata must be a JSON object`);
  }
  return { file, real, json };
}

/**
 * Reads and checks a checkpoint's model.json: its format and version, and every weights file it
 * names: each must be a regular file inside the checkpoint folder (after resolving links) whose
 * size is exactly what its weights need. Reads no weights.
 */
export function readCheckpointManifest(dir: string): CheckpointManifest {
  const { file, real, json } = readManifestJson(dir);
  if (json.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `${file}: checkpoint version ${json.version === undefined ? 'missing' : `"${shown(json.version)}"`}; this vaekit reads version ${CHECKPOINT_VERSION}` +
        (typeof json.version === 'number' && json.version > CHECKPOINT_VERSION ? ' (the checkpoint was saved by a newer vaekit)' : ''),
    );
  }
  let plugins: string[] | undefined;
  if (json.plugins !== undefined) {
    if (!Array.isArray(json.plugins) || json.plugins.length > 100 || !json.plugins.every((p: unknown) => typeof p === 'string' && p.length <= 300)) {
      throw new CheckpointError(`${file}: plugins must be a list of plugin names (the "use:" values the model needs)`);
    }
    plugins = json.plugins;
  }
  const wm = json.weightsManifest;
  if (!Array.isArray(wm) || wm.length < 1 || wm.length > 1000) throw new CheckpointError(`${file}: weightsManifest must be a non-empty list of weight groups`);
  const files = wm.reduce((n: number, g: any) => n + (Array.isArray(g?.paths) ? g.paths.length : 0), 0);
  if (files > 1000) throw new CheckpointError(`${file}: weightsManifest names ${files} weights files, at most 1000 are allowed`);
  let count = 0;
  const groups = wm.map((g: any, gi: number): CheckpointGroup => {
    const at = `${file}: weightsManifest[${gi}]`;
    if (!g || typeof g !== 'object' || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new CheckpointError(`${at} must hold "paths" and "weights" lists`);
    if (g.paths.length < 1 || g.paths.length > 1000) throw new CheckpointError(`${at}.paths must list 1 to 1000 weights files`);
    count += g.weights.length;
    if (count > MAX_WEIGHTS) throw new CheckpointError(`${file}: more than ${MAX_WEIGHTS} weights`);
    let bytes = 0;
    const weights = g.weights.map((w: any, wi: number): CheckpointWeightSpec => {
      const wat = `${at}.weights[${wi}]`;
      if (!w || typeof w !== 'object' || typeof w.name !== 'string' || w.name.length > 200) throw new CheckpointError(`${wat}: expected a weight with a name, a shape and a dtype`);
      const name = shown(w.name);
      if (w.dtype !== 'float32') {
        throw new CheckpointError(`${file}: weight "${name}" has dtype ${w.dtype === undefined ? 'missing' : `"${shown(w.dtype)}"`}, expected "float32" (the dtype of every weight vaekit saves)`);
      }
      if (w.quantization !== undefined) throw new CheckpointError(`${file}: weight "${name}" is quantized; vaekit reads only float32 weights`);
      if (!Array.isArray(w.shape) || w.shape.length > 8 || !w.shape.every((d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        throw new CheckpointError(`${file}: weight "${name}" has shape ${shown(w.shape)}, expected a list of at most 8 non-negative integers`);
      }
      const size = (w.shape as number[]).reduce((p, d) => p * d, 1) * 4;
      bytes += size;
      if (!(bytes <= MAX_WEIGHTS_BYTES)) throw new CheckpointError(`${file}: the weights need more than ${MAX_WEIGHTS_BYTES} bytes`);
      return { name: w.name, shape: [...w.shape], dtype: 'float32' };
    });
    const files: string[] = [];
    const realFiles: string[] = [];
    const sizes: number[] = [];
    g.paths.forEach((p: unknown, pi: number) => {
      if (typeof p !== 'string' || p === '' || p.length > 255 || p.includes('\0') || path.isAbsolute(p) || path.win32.isAbsolute(p) || p.includes('\\')) {
        throw new CheckpointError(`${at}.paths[${pi}]: "${shown(p)}" is not a file name inside the checkpoint folder`);
      }
      const f = confinedFile(dir, real, p, 'weights');
      files.push(f.shownFile);
      realFiles.push(f.realFile);
      sizes.push(f.size);
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== bytes) {
      const which = files.length === 1 ? files[0] : `${files.join(', ')} (together)`;
      throw new CheckpointError(
        `${which}: the checkpoint's weights file has ${total} bytes, but its model.json lists weights that need exactly ${bytes} ` +
          `(${total < bytes ? 'truncated' : 'longer than it should be'}: the files do not belong together)`,
      );
    }
    return { files, realFiles, sizes, weights, bytes };
  });
  return { dir, file, version: json.version, plugins, groups, userDefinedMetadata: json.userDefinedMetadata ?? {} };
}

/** Reads a group's weights files (already checked by readCheckpointManifest) into one aligned buffer. */
export function readGroupData(g: CheckpointGroup): ArrayBuffer {
  const data = new ArrayBuffer(g.bytes);
  const buf = Buffer.from(data);
  let offset = 0;
  g.realFiles.forEach((f, i) => {
    readExactly(f, g.files[i], g.sizes[i], buf, offset, 'weights');
    offset += g.sizes[i];
  });
  return data;
}

/**
 * A tfjs IOHandler that stores model artifacts in a directory: `model.json` (the weight manifest
 * and user metadata) and `weights.bin`. tfjs's own `file://` handler exists only in tfjs-node.
 * Loading checks the checkpoint as readCheckpointManifest does.
 */
export function directoryHandler(dir: string, options: { plugins?: string[] } = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      fs.mkdirSync(dir, { recursive: true });
      const data = artifacts.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const bin = Buffer.concat(buffers.map((b) => Buffer.from(b)));
      const manifest = {
        format: CHECKPOINT_FORMAT,
        version: CHECKPOINT_VERSION,
        ...(options.plugins ? { plugins: options.plugins } : {}),
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: artifacts.userDefinedMetadata ?? {},
      };
      // Write to temporary names, then rename: a crash never leaves a half-written checkpoint.
      fs.writeFileSync(path.join(dir, 'weights.bin.tmp'), bin);
      fs.writeFileSync(path.join(dir, 'model.json.tmp'), JSON.stringify(manifest, null, 2));
      fs.renameSync(path.join(dir, 'weights.bin.tmp'), path.join(dir, 'weights.bin'));
      fs.renameSync(path.join(dir, 'model.json.tmp'), path.join(dir, 'model.json'));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: bin.length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const m = readCheckpointManifest(dir);
      const datas = m.groups.map(readGroupData);
      const all = new Uint8Array(datas.reduce((a, d) => a + d.byteLength, 0));
      let o = 0;
      for (const d of datas) {
        all.set(new Uint8Array(d), o);
        o += d.byteLength;
      }
      return {
        weightSpecs: m.groups.flatMap((g) => g.weights),
        weightData: all.buffer,
        userDefinedMetadata: m.userDefinedMetadata,
      };
    },
  };
}
