import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Embedding, RecurrentCell, RecurrentLayer, Rng, selectBackend } from '../src';

// torch.nn.GRU / LSTM results written by fixtures/recurrent_torch.py.
const fx = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'recurrent_torch.json'), 'utf8'));
const { T, B, E, H } = fx as { T: number; B: number; E: number; H: number };

interface W {
  wIh: number[][];
  wHh: number[][];
  bIh: number[];
  bHh: number[];
}

function layerWith(cell: RecurrentCell, w: W): RecurrentLayer {
  const l = new RecurrentLayer(cell, E, H, new Rng(1));
  l.wIh.assign(tf.tensor2d(w.wIh));
  l.wHh.assign(tf.tensor2d(w.wHh));
  l.bIh.assign(tf.tensor1d(w.bIh));
  l.bHh.assign(tf.tensor1d(w.bHh));
  return l;
}

/** [T][B][k] → time-major [T·B, k]. */
const timeMajor = (a: number[][][]) => tf.tensor2d(a.flat(), [a.length * a[0].length, a[0][0].length]);

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number) {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThan(tol);
}

describe.each(['cpu', 'wasm'])('recurrent layers on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend as 'cpu' | 'wasm');
  });

  describe.each(['gru', 'lstm'] as RecurrentCell[])('%s', (cell) => {
    const c = fx[cell];

    it('gives torch.nn outputs and gradients (input, initial state, every weight)', () => {
      const layer = layerWith(cell, c.full.weights);
      const x = timeMajor(c.full.x);
      const R = timeMajor(c.full.R);
      const h0 = tf.tensor2d(c.full.h0);
      const c0 = cell === 'lstm' ? tf.tensor2d(c.full.c0) : null;
      const f = (xi: tf.Tensor2D, hi: tf.Tensor2D, ci?: tf.Tensor2D) =>
        tf.sum(tf.mul(layer.run(layer.project([xi]), ci ? [hi, ci] : [hi]), R)) as tf.Scalar;
      const out = layer.run(layer.project([x]), c0 ? [h0, c0] : [h0]);
      expectClose(out.dataSync(), timeMajor(c.full.out).dataSync(), 1e-5);

      const inputs = c0 ? [x, h0, c0] : [x, h0];
      const g = tf.grads((...a: tf.Tensor[]) => f(a[0] as tf.Tensor2D, a[1] as tf.Tensor2D, a[2] as tf.Tensor2D | undefined))(inputs);
      expectClose(g[0].dataSync(), timeMajor(c.full.dx).dataSync(), 1e-5);
      expectClose(g[1].dataSync(), tf.tensor2d(c.full.dh0).dataSync(), 1e-5);
      if (c0) expectClose(g[2].dataSync(), tf.tensor2d(c.full.dc0).dataSync(), 1e-5);

      const { grads } = tf.variableGrads(() => f(x, h0, c0 ?? undefined), layer.weights());
      const want = c.full.grads as W;
      expectClose(grads[layer.wIh.name].dataSync(), tf.tensor2d(want.wIh).dataSync(), 1e-4);
      expectClose(grads[layer.wHh.name].dataSync(), tf.tensor2d(want.wHh).dataSync(), 1e-4);
      expectClose(grads[layer.bIh.name].dataSync(), want.bIh, 1e-4);
      expectClose(grads[layer.bHh.name].dataSync(), want.bHh, 1e-4);
    });

    it('masked: the carried state is the last valid one, and reversed runs give the backward direction of a packed bidirectional layer', () => {
      const p = c.padded;
      const fwd = layerWith(cell, p.forward);
      const bwd = layerWith(cell, p.backward);
      const x = timeMajor(p.x);
      const mask = new Float32Array(T * B);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) mask[t * B + b] = t < p.lengths[b] ? 1 : 0;
      const hf = fwd.run(fwd.project([x]), fwd.zeroState(B), { mask });
      const hb = bwd.run(bwd.project([x]), bwd.zeroState(B), { mask, reverse: true });
      expectClose(tf.slice(hf, [(T - 1) * B, 0], [B, H]).dataSync(), tf.tensor2d(p.hForward).dataSync(), 1e-5);
      expectClose(tf.slice(hb, [0, 0], [B, H]).dataSync(), tf.tensor2d(p.hBackward).dataSync(), 1e-5);
    });

    it('steps one at a time to the same states as a run', () => {
      const layer = layerWith(cell, c.full.weights);
      const x = timeMajor(c.full.x);
      const h0 = tf.tensor2d(c.full.h0);
      const state = cell === 'lstm' ? [h0, tf.tensor2d(c.full.c0)] : [h0];
      const all = layer.run(layer.project([x]), state).arraySync();
      let s = state;
      for (let t = 0; t < T; t++) {
        s = layer.step(layer.project([tf.slice(x, [t * B, 0], [B, E])]), s);
        expectClose(s[0].dataSync(), all.slice(t * B, (t + 1) * B).flat(), 1e-6);
      }
    });
  });

  it('project() with a per-row part equals concatenating it to every step', () => {
    const l = new RecurrentLayer('gru', 5, 3, new Rng(4));
    const xs = tf.randomNormal([4 * 2, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const z = tf.randomNormal([2, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
    const zTiled = tf.tile(z, [4, 1]) as tf.Tensor2D; // row t·B + b holds z[b]
    const want = l.project([tf.concat([xs, zTiled], 1) as tf.Tensor2D]);
    expectClose(l.project([xs], z).dataSync(), want.dataSync(), 1e-5);
  });

  it('trains an embedding through tf.gather (UnsortedSegmentSum gradient)', () => {
    const emb = new Embedding(7, 3, new Rng(2));
    const ids = tf.tensor1d([1, 4, 4, 6, 1], 'int32');
    const w = tf.tensor2d(Array.from({ length: 15 }, (_, i) => Math.cos(i)), [5, 3]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(emb.apply(ids), w)) as tf.Scalar, emb.weights());
    const g = grads[emb.table.name].arraySync() as number[][];
    const want = Array.from({ length: 7 }, () => [0, 0, 0]);
    [1, 4, 4, 6, 1].forEach((id, r) => [0, 1, 2].forEach((k) => (want[id][k] += Math.cos(r * 3 + k))));
    g.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(want[i][k], 5)));
  });
});
