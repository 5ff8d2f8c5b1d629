import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, ScoreMethod, scoreBatch, VAE } from '@vaekit/core';
import { DataError, looksNumeric, parseDecimal, readIdx, readLines, readNpy } from '@vaekit/datasets';
import { UsageError } from '@vaekit/study';
import { loadCheckpointModel } from '../checkpoint/load';

export interface ScoreArgs {
  checkpoint: string;
  data: string;
  method: ScoreMethod;
  samples: number;
  out?: string;
  /** Every input value is divided by this (e.g. 255 for raw pixels). */
  scale: number;
  /** 0-based column of a label to carry through to the output (CSV only). */
  labelColumn?: number;
  batchSize?: number;
}

/**
 * Rebuilds the vector or image model a checkpoint was saved from and loads its weights (see
 * loadCheckpointModel); a checkpoint of a text model is refused (score token sequences with
 * `vaekit generate --reconstruct`, which reads its vocabulary).
 */
export async function loadModelFromCheckpoint(dir: string): Promise<VAE> {
  const { model, vocab } = await loadCheckpointModel(dir);
  if (vocab) {
    tf.dispose(model.weights());
    throw new UsageError(`${path.join(dir, 'model.json')}: this checkpoint holds a model of token sequences; vaekit score reads vectors and images`);
  }
  return model;
}

/**
 * `vaekit score`: one anomaly score per input row (higher = more anomalous, nats), streamed in
 * batches so files larger than memory can be scored. CSV is read line by line; .npy and .idx
 * files are read whole (they are binary arrays) and scored in batches.
 */
export async function runScore(a: ScoreArgs, log: NodeJS.WritableStream): Promise<{ rows: number; seconds: number; peakRssMiB: number }> {
  const t0 = Date.now();
  if (!fs.existsSync(a.checkpoint)) throw new UsageError(`--checkpoint: checkpoint directory not found: ${a.checkpoint}`);
  if (!fs.existsSync(a.data)) throw new UsageError(`--data: file not found: ${a.data}`);
  const model = await loadModelFromCheckpoint(a.checkpoint);
  const dim = model.dataDim;
  const out: NodeJS.WritableStream = a.out ? fs.createWriteStream(a.out) : process.stdout;
  const hasLabel = a.labelColumn !== undefined;
  out.write(hasLabel ? 'row,label,score\n' : 'row,score\n');
  const rng = new Rng(1);
  const batchSize = a.batchSize ?? 500;
  let rows = 0;
  let pending: { x: Float32Array; labels: string[]; n: number } = { x: new Float32Array(batchSize * dim), labels: [], n: 0 };
  const flush = async () => {
    if (!pending.n) return;
    const x = tf.tensor2d(pending.x.subarray(0, pending.n * dim), [pending.n, dim]);
    const s = scoreBatch(model, x, a.method, a.samples, rng);
    x.dispose();
    let text = '';
    for (let i = 0; i < pending.n; i++) text += `${rows + i},${hasLabel ? pending.labels[i] + ',' : ''}${s[i]}\n`;
    rows += pending.n;
    pending = { x: new Float32Array(batchSize * dim), labels: [], n: 0 };
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  const shown = a.data;
  const ext = path.extname(a.data).toLowerCase();
  try {
    if (ext === '.npy' || ext === '.idx' || /ubyte$/.test(a.data)) {
      const arr = ext === '.npy' ? readNpy(a.data) : readIdx(a.data);
      const shape = 'shape' in arr ? arr.shape : (arr as { dims: number[] }).dims;
      const n = shape[0];
      const per = shape.slice(1).reduce((p: number, v: number) => p * v, 1);
      if (per !== dim) throw new DataError(`${shown}: each example has ${per} values (shape [${shape.slice(1).join(', ')}]), but the checkpoint's model expects ${dim} (shape [${model.dataShape.join(', ')}])`);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < dim; j++) {
          const v = Number(arr.data[r * dim + j]) / a.scale;
          if (!Number.isFinite(Math.fround(v))) throw new DataError(`${shown}: example ${r}, value ${j} (${v}) is outside the 32-bit float range (±3.4e38)`);
          pending.x[pending.n * dim + j] = v;
        }
        pending.labels.push('');
        if (++pending.n === batchSize) await flush();
      }
    } else {
      // Streamed line by line, with a cap on a line's length (a file without newlines stops there).
      const want = dim + (hasLabel ? 1 : 0);
      for await (const { text, line } of readLines(a.data, { name: shown })) {
        if (!text.trim()) continue;
        const cells = text.split(',');
        if (line === 1 && cells.some((c) => c.trim() !== '' && !looksNumeric(c))) continue; // a header
        if (cells.length !== want) throw new DataError(`${shown} line ${line}: expected ${want} columns (${dim} values${hasLabel ? ' and a label' : ''}), found ${cells.length}`);
        let j = 0;
        for (let c = 0; c < cells.length; c++) {
          if (c === a.labelColumn) {
            pending.labels.push(cells[c].trim());
            continue;
          }
          const v = parseDecimal(cells[c]);
          if (typeof v !== 'number') throw new DataError(`${shown} line ${line}, column ${c + 1}: ${v.problem}`);
          if (!Number.isFinite(Math.fround(v / a.scale))) throw new DataError(`${shown} line ${line}, column ${c + 1}: ${v} / ${a.scale} is outside the 32-bit float range (±3.4e38)`);
          pending.x[pending.n * dim + j++] = v / a.scale;
        }
        if (!hasLabel) pending.labels.push('');
        if (++pending.n === batchSize) await flush();
      }
    }
    await flush();
  } finally {
    tf.dispose(model.weights());
    if (out !== process.stdout) await new Promise((r) => (out as fs.WriteStream).end(r));
  }
  const seconds = (Date.now() - t0) / 1000;
  // The kernel's high-water mark of this process: flat in the row count when the CSV streams.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  log.write(
    `vaekit: scored ${rows} rows of ${shown} with ${a.method}${a.method === 'recon' ? '' : ` (${a.samples} samples)`} in ${seconds.toFixed(1)} s, ` +
      `peak resident memory ${peakRssMiB.toFixed(0)} MiB${a.out ? `, wrote ${a.out}` : ''}\n`,
  );
  return { rows, seconds, peakRssMiB };
}
