import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../math/rng';
import { AutoregressiveDecoder, BOS_ID, DecoderState, EOS_ID, PAD_ID } from './types';

/** How tokens are chosen from the decoder's distribution at each step. */
export interface GenerateOptions {
  /** greedy: the most likely token; sample: a draw at `temperature`; beam: beam search of width `beam`. */
  method: 'greedy' | 'sample' | 'beam';
  /** Beam width (beam only); default 5. */
  beam?: number;
  /** Softmax temperature (sample only); default 1. */
  temperature?: number;
  /** Tokens generated at most per sequence, <eos> not counted. */
  maxLength: number;
  /** Seed of the draws (sample only). */
  seed?: number;
}

/**
 * Decodes each row of z into a sequence of token ids (without <bos>/<eos>): greedy and sampled
 * decoding run all rows at once; beam search runs one row at a time with its `beam` hypotheses
 * as the batch, and returns the hypothesis with the best log-probability per predicted token
 * (its <eos> included), so short sequences are not favoured for being short.
 */
export function decodeLatents(decoder: AutoregressiveDecoder, z: tf.Tensor2D, o: GenerateOptions): number[][] {
  if (o.method === 'beam') {
    const out: number[][] = [];
    for (let r = 0; r < z.shape[0]; r++) {
      const zr = tf.slice(z, [r, 0], [1, z.shape[1]]);
      out.push(beamSearch(decoder, zr, o.beam ?? 5, o.maxLength));
      zr.dispose();
    }
    return out;
  }
  return stepwise(decoder, z, o);
}

function stepwise(decoder: AutoregressiveDecoder, z: tf.Tensor2D, o: GenerateOptions): number[][] {
  const n = z.shape[0];
  const rng = new Rng(o.seed ?? 0);
  const temperature = o.temperature ?? 1;
  const out: number[][] = Array.from({ length: n }, () => []);
  const done = new Uint8Array(n);
  let state: DecoderState = decoder.start(z);
  let tokens = new Int32Array(n).fill(BOS_ID);
  for (let t = 0; t <= o.maxLength; t++) {
    const input = tf.tensor1d(tokens, 'int32');
    const r = decoder.step(z, state, input);
    input.dispose();
    tf.dispose(state);
    state = r.state;
    const V = r.logits.shape[1];
    const logits = r.logits.dataSync() as Float32Array;
    r.logits.dispose();
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (done[i]) {
        next[i] = PAD_ID;
        continue;
      }
      const row = logits.subarray(i * V, (i + 1) * V);
      // The specials <pad> and <bos> are never generated; <eos> ends the sequence; a sequence
      // that reaches maxLength ends there.
      const tok = o.method === 'sample' ? sampleToken(row, temperature, rng) : argmaxToken(row);
      if (tok === EOS_ID || t === o.maxLength) done[i] = 1;
      else out[i].push(tok);
      next[i] = tok;
    }
    tokens = next;
    if (done.every((d) => d === 1)) break;
  }
  tf.dispose(state);
  return out;
}

/** The most likely token other than <pad> and <bos>. */
function argmaxToken(row: Float32Array): number {
  let best = EOS_ID;
  for (let v = EOS_ID + 1; v < row.length; v++) if (row[v] > row[best]) best = v;
  return best;
}

/** A draw from softmax(row / temperature) over the tokens other than <pad> and <bos>. */
function sampleToken(row: Float32Array, temperature: number, rng: Rng): number {
  if (temperature <= 0) return argmaxToken(row);
  let max = -Infinity;
  for (let v = EOS_ID; v < row.length; v++) max = Math.max(max, row[v]);
  let total = 0;
  const p = new Float64Array(row.length);
  for (let v = EOS_ID; v < row.length; v++) total += p[v] = Math.exp((row[v] - max) / temperature);
  let u = rng.next() * total;
  for (let v = EOS_ID; v < row.length; v++) {
    u -= p[v];
    if (u <= 0) return v;
  }
  return row.length - 1;
}

interface Hypothesis {
  tokens: number[];
  logp: number;
}

/** Log-probability per predicted token, <eos> included. */
const score = (h: Hypothesis) => h.logp / (h.tokens.length + 1);

function beamSearch(decoder: AutoregressiveDecoder, z1: tf.Tensor2D, width: number, maxLength: number): number[] {
  let beams: Hypothesis[] = [{ tokens: [], logp: 0 }];
  const finished: Hypothesis[] = [];
  let z = z1;
  let state: DecoderState = decoder.start(z1);
  for (let t = 0; t <= maxLength && beams.length > 0; t++) {
    const input = tf.tensor1d(beams.map((b) => (b.tokens.length ? b.tokens[b.tokens.length - 1] : BOS_ID)), 'int32');
    const r = decoder.step(z, state, input);
    input.dispose();
    const logp = tf.tidy(() => tf.logSoftmax(r.logits));
    const lp = logp.dataSync() as Float32Array;
    const V = r.logits.shape[1];
    tf.dispose([logp, r.logits]);
    // Every extension of every live hypothesis, best first; <pad> and <bos> are never generated.
    const cands: Array<{ from: number; tok: number; logp: number }> = [];
    for (let b = 0; b < beams.length; b++) {
      for (let v = EOS_ID; v < V; v++) cands.push({ from: b, tok: v, logp: beams[b].logp + lp[b * V + v] });
    }
    cands.sort((a, c) => c.logp - a.logp);
    // The best `width` extensions: those ending (with <eos>, or at maxLength) are finished, the
    // others live on.
    const next: Array<{ from: number; h: Hypothesis }> = [];
    for (const c of cands.slice(0, width)) {
      const tokens = [...beams[c.from].tokens];
      if (c.tok === EOS_ID || t === maxLength) {
        if (c.tok !== EOS_ID) tokens.push(c.tok);
        finished.push({ tokens, logp: c.logp });
      } else {
        tokens.push(c.tok);
        next.push({ from: c.from, h: { tokens, logp: c.logp } });
      }
    }
    // A live hypothesis can at best keep its log-probability and grow to maxLength tokens: stop
    // when none of them could then beat the best finished one.
    const bestFinished = Math.max(...finished.map(score));
    const bestLive = Math.max(...next.map((x) => x.h.logp / (maxLength + 1)));
    if (next.length === 0 || bestFinished >= bestLive) {
      tf.dispose(r.state);
      beams = [];
      break;
    }
    // The surviving hypotheses' states, gathered from their parents' rows.
    const from = tf.tensor1d(next.map((x) => x.from), 'int32');
    const newState = r.state.map((s) => tf.gather(s, from));
    const newZ = tf.tidy(() => tf.tile(z1, [next.length, 1]) as tf.Tensor2D);
    tf.dispose([from, ...r.state, ...state]);
    if (z !== z1) z.dispose();
    state = newState;
    z = newZ;
    beams = next.map((x) => x.h);
  }
  tf.dispose(state);
  if (z !== z1) z.dispose();
  finished.sort((a, b) => score(b) - score(a));
  return finished.length ? finished[0].tokens : [];
}
