/**
 * GRU and LSTM layers with PyTorch's gate layout, equations and initialisation, so weights and
 * results can be checked against torch.nn.GRU / torch.nn.LSTM:
 *
 *   GRU  (gates r, z, n)   r = σ(x W_ir + b_ir + h W_hr + b_hr)
 *                          z = σ(x W_iz + b_iz + h W_hz + b_hz)
 *                          n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn))
 *                          h' = (1 − z) ⊙ n + z ⊙ h
 *   LSTM (gates i, f, g, o) i, f, o = σ(·), g = tanh(·) of x W_i· + b_i· + h W_h· + b_h·
 *                          c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
 *
 * Weights are stored [in, gates·H] (the transpose of PyTorch's weight_ih_l0 / weight_hh_l0),
 * every weight and bias uniform in ±1/√H as PyTorch initialises them.
 *
 * Speed (this is the hot loop of a text model): the input projections of all time steps are one
 * matmul ([T·B, in] × [in, gates·H], `project`) before the loop; per step only h·W_hh (forward)
 * and dG·W_hhᵀ (backward) run as tfjs matmuls (the native GEMM on wasm), while the gate
 * arithmetic and the masking run over Float32Arrays (instead of ~15 small tfjs ops per step,
 * each with its own dispatch and allocation). The gradient of W_hh is one matmul over all steps
 * at the end. On wasm with @vaekit/native a GRU's whole recurrence, forward and backward, is one
 * native call on the tensors in place (the VaekitGruForward / VaekitGruBackward kernels).
 * Sequences are time-major: row t·B + b is step t of sequence b.
 *
 * Masking: at a padded position the state is carried through unchanged (h_t = h_{t−1}), so the
 * state after the last step is each row's state after its last valid token.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../math/rng';
import { reserveWeightValues } from '../build/budget';
import { loadNative, VaekitDenseFilterGrad, VaekitGruBackward, VaekitGruForward, wasmKernelsInstalled } from '../kernels';
import type { NativeKernels } from '../kernels';

/**
 * The native GRU recurrence (@vaekit/native's gruForward: per step the pool's SGEMM and AVX2
 * gates), when the wasm backend runs on the native kernels; null otherwise (the loops below).
 */
function nativeGru(H: number): NativeKernels['gruForward'] | null {
  if (H % 8 !== 0 || tf.getBackend() !== 'wasm' || wasmKernelsInstalled() !== 'native') return null;
  const k = loadNative().kernels;
  return k && typeof k.gruForward === 'function' ? k.gruForward.bind(k) : null;
}

export type RecurrentCell = 'gru' | 'lstm';

function uniformVariable(shape: number[], bound: number, rng: Rng): tf.Variable {
  const size = shape.reduce((a, b) => a * b, 1);
  reserveWeightValues(size);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(-bound, bound);
  return tf.variable(tf.tensor(v, shape), true);
}

/** Options of one pass of the recurrence. */
export interface RecurrenceOptions {
  /** Per time-major row (t·B + b), 1 where the position holds a token, 0 for padding (state carried). */
  mask?: Float32Array | null;
  /** Run from the last step to the first (the backward direction of a bidirectional layer). */
  reverse?: boolean;
}

/** The recurrent state of one layer between steps: [h] for a GRU, [h, c] for an LSTM, each [B, H]. */
export type RecurrentState = tf.Tensor2D[];

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/** One GRU or LSTM layer. */
export class RecurrentLayer {
  /** [in, G·H], G = 3 (GRU) or 4 (LSTM). */
  readonly wIh: tf.Variable;
  readonly bIh: tf.Variable;
  /** [H, G·H]. */
  readonly wHh: tf.Variable;
  readonly bHh: tf.Variable;
  readonly gates: number;

  constructor(
    readonly cell: RecurrentCell,
    readonly inDim: number,
    readonly hidden: number,
    rng: Rng,
  ) {
    this.gates = cell === 'gru' ? 3 : 4;
    const bound = 1 / Math.sqrt(hidden);
    const G = this.gates * hidden;
    this.wIh = uniformVariable([inDim, G], bound, rng);
    this.wHh = uniformVariable([hidden, G], bound, rng);
    this.bIh = uniformVariable([G], bound, rng);
    this.bHh = uniformVariable([G], bound, rng);
  }

  weights(): tf.Variable[] {
    return [this.wIh, this.wHh, this.bIh, this.bHh];
  }

  /** Number of state tensors: 1 (h) for a GRU, 2 (h, c) for an LSTM. */
  get stateSize(): number {
    return this.cell === 'gru' ? 1 : 2;
  }

  /**
   * The input projections x·W_ih + b_ih of every step: [T·B, G·H]. The input is given in parts
   * that split W_ih's rows in order: `steps` [T·B, k_i] per step (summed), then optionally
   * `perRow` [B, k] that is the same at every step (such as z fed to every step of a decoder),
   * projected once and added to each step, which equals concatenating it to every input.
   */
  project(steps: tf.Tensor2D[], perRow?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const G = this.gates * this.hidden;
      let row = 0;
      const part = (k: number) => {
        const w = (k === this.inDim ? this.wIh : tf.slice(this.wIh, [row, 0], [k, G])) as tf.Tensor2D;
        row += k;
        return w;
      };
      let y: tf.Tensor2D | null = null;
      for (const x of steps) {
        const w = part(x.shape[1]);
        y = y ? (tf.add(y, tf.matMul(x, w)) as tf.Tensor2D) : (tf.fused.matMul({ a: x, b: w, bias: this.bIh }) as tf.Tensor2D);
      }
      if (!y) throw new Error('recurrent: project needs at least one per-step input');
      if (perRow) {
        const B = perRow.shape[0];
        const T = y.shape[0] / B;
        const p = tf.matMul(perRow, part(perRow.shape[1]));
        y = tf.reshape(tf.add(tf.reshape(y, [T, B, G]), p), [T * B, G]) as tf.Tensor2D;
      }
      if (row !== this.inDim) throw new Error(`recurrent: inputs of ${row} features given to a layer of ${this.inDim}`);
      return y;
    });
  }

  /** A zero state for a batch of B. */
  zeroState(B: number): RecurrentState {
    return Array.from({ length: this.stateSize }, () => tf.zeros([B, this.hidden]) as tf.Tensor2D);
  }

  /**
   * Runs the recurrence over the projections `proj` [T·B, G·H] (from `project`) from `state`
   * ([h0] or [h0, c0]); returns every step's h, [T·B, H] time-major (at padded positions the
   * carried state). Differentiable with respect to proj, the initial state, W_hh and b_hh.
   */
  run(proj: tf.Tensor2D, state: RecurrentState, opts: RecurrenceOptions = {}): tf.Tensor2D {
    const B = state[0].shape[0];
    const H = this.hidden;
    const G = this.gates * H;
    if (proj.shape[1] !== G || proj.shape[0] % B !== 0) throw new Error(`recurrent: projections [${proj.shape}] do not fit a batch of ${B} and ${G} gate values`);
    const T = proj.shape[0] / B;
    const mask = opts.mask ?? null;
    if (mask && mask.length !== T * B) throw new Error(`recurrent: a mask of ${mask.length} for ${T} steps of ${B}`);
    const order = (k: number) => (opts.reverse ? T - 1 - k : k);
    const lstm = this.cell === 'lstm';
    // With the native kernels installed (which include the GRU heap kernels): runOnHeap.
    if (!lstm && nativeGru(H)) return this.runOnHeap(proj, state[0], mask, !!opts.reverse);
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [p, h0, c0or, wHh, bHh] = lstm ? (args as tf.Tensor[]) : [args[0], args[1], null, args[2], args[3]];
      const fwd = this.forward(
        (p as tf.Tensor).dataSync() as Float32Array,
        (h0 as tf.Tensor).dataSync() as Float32Array,
        c0or ? ((c0or as tf.Tensor).dataSync() as Float32Array) : null,
        wHh as tf.Tensor2D,
        bHh as tf.Tensor1D,
        B,
        T,
        mask,
        order,
        true,
      );
      return {
        value: tf.tensor2d(fwd.hs, [T * B, H]),
        gradFunc: (dy: tf.Tensor2D) => {
          const g = this.backward(fwd.saved!, dy.dataSync() as Float32Array, wHh as tf.Tensor2D, B, T, mask, order);
          const dProj = tf.tensor2d(g.dProj, [T * B, G]);
          const dh0 = tf.tensor2d(g.dh, [B, H]);
          const dW = tf.engine().runKernel(VaekitDenseFilterGrad, { x: g.hPrev, dy: g.dGh }) as tf.Tensor2D;
          const db = tf.tensor1d(g.db);
          tf.dispose([g.hPrev, g.dGh]);
          return lstm ? [dProj, dh0, tf.tensor2d(g.dc!, [B, H]), dW, db] : [dProj, dh0, dW, db];
        },
      };
    });
    return (lstm ? op(proj, state[0], state[1], this.wHh, this.bHh) : op(proj, state[0], this.wHh, this.bHh)) as tf.Tensor2D;
  }

  /**
   * `run` for a GRU on wasm with @vaekit/native: the recurrence forward and backward as the
   * VaekitGruForward / VaekitGruBackward kernels, which work in place on the heap.
   */
  private runOnHeap(proj: tf.Tensor2D, h0: tf.Tensor2D, mask: Float32Array | null, reverse: boolean): tf.Tensor2D {
    const B = h0.shape[0];
    const maskT = mask ? tf.tensor1d(mask) : tf.ones([proj.shape[0]]);
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [p, h, wHh, bHh] = args as tf.Tensor[];
      const save = args[4] as tf.GradSaveFunc;
      const [hs, hPrev, act] = tf.engine().runKernel(VaekitGruForward, { proj: p, h0: h, wHh, bHh, mask: maskT }, { reverse }) as tf.Tensor[];
      // Saved tensors outlive the caller's tidy until the backward pass.
      save([hPrev, act, wHh, maskT]);
      return {
        value: hs,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sPrev, sAct, sW, sMask] = saved;
          const [dh0, dGx, dGh] = tf.engine().runKernel(VaekitGruBackward, { dy, wHh: sW, mask: sMask, hPrev: sPrev, act: sAct }, { reverse, batch: B }) as tf.Tensor[];
          const dW = tf.engine().runKernel(VaekitDenseFilterGrad, { x: sPrev, dy: dGh }) as tf.Tensor2D;
          const db = tf.sum(dGh, 0);
          dGh.dispose();
          return [dGx, dh0, dW, db];
        },
      };
    });
    const out = op(proj, h0, this.wHh, this.bHh) as tf.Tensor2D;
    maskT.dispose();
    return out;
  }

  /**
   * One step without gradients (generation): proj [B, G·H] from `project`, the state before →
   * the state after. The same arithmetic as `run`, so a step gives what the teacher-forced pass gives.
   */
  step(proj: tf.Tensor2D, state: RecurrentState): RecurrentState {
    const B = state[0].shape[0];
    const H = this.hidden;
    const lstm = this.cell === 'lstm';
    const fwd = this.forward(
      proj.dataSync() as Float32Array,
      state[0].dataSync() as Float32Array,
      lstm ? (state[1].dataSync() as Float32Array) : null,
      this.wHh as tf.Tensor2D,
      this.bHh as tf.Tensor1D,
      B,
      1,
      null,
      (k) => k,
      false,
    );
    return lstm ? [tf.tensor2d(fwd.hs, [B, H]), tf.tensor2d(fwd.c!, [B, H])] : [tf.tensor2d(fwd.hs, [B, H])];
  }

  /**
   * h·W_hh for the B rows of h: [B, G·H]; b_hh is added by the caller. A plain MatMul: at B
   * rows, the fused MatMul with a bias and the transposed forms take about twice as long.
   */
  private hiddenProjection(h: Float32Array, wHh: tf.Tensor2D, B: number): Float32Array {
    const ht = tf.tensor2d(h, [B, this.hidden]);
    const y = tf.matMul(ht, wHh);
    const out = y.dataSync() as Float32Array;
    tf.dispose([ht, y]);
    return out;
  }

  private forward(
    px: Float32Array,
    h0: Float32Array,
    c0: Float32Array | null,
    wHh: tf.Tensor2D,
    bHh: tf.Tensor1D,
    B: number,
    T: number,
    mask: Float32Array | null,
    order: (k: number) => number,
    keep: boolean,
  ): { hs: Float32Array; c: Float32Array | null; saved?: Saved } {
    const H = this.hidden;
    const G = this.gates * H;
    const lstm = this.cell === 'lstm';
    const h = Float32Array.from(h0);
    const c = lstm ? Float32Array.from(c0!) : null;
    const hs = new Float32Array(T * B * H);
    const bias = bHh.dataSync() as Float32Array;
    // Saved for the backward pass, per time-major row: the state before the step and the gates.
    const hPrev = keep ? new Float32Array(T * B * H) : null;
    const cPrev = keep && lstm ? new Float32Array(T * B * H) : null;
    const act = keep ? new Float32Array(T * B * (lstm ? 5 * H : 4 * H)) : null;
    const gru = lstm ? null : nativeGru(H);
    if (gru) {
      const none = new Float32Array(0);
      const w = wHh.dataSync() as Float32Array;
      gru(B, T, H, px, h, w, bias, mask ?? none, order(0) !== 0, hs, hPrev ?? none, act ?? none);
      return { hs, c, saved: keep ? { hPrev: hPrev!, cPrev, act: act! } : undefined };
    }
    for (let k = 0; k < T; k++) {
      const t = order(k);
      const gh = this.hiddenProjection(h, wHh, B);
      for (let b = 0; b < B; b++) for (let j = 0; j < G; j++) gh[b * G + j] += bias[j];
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const hb = b * H;
        const valid = !mask || mask[row] !== 0;
        if (keep) {
          hPrev!.set(h.subarray(hb, hb + H), row * H);
          if (cPrev) cPrev.set(c!.subarray(hb, hb + H), row * H);
        }
        if (valid) {
          const xo = row * G;
          const go = b * G;
          if (!lstm) {
            const ao = row * 4 * H;
            for (let j = 0; j < H; j++) {
              const r = sigmoid(px[xo + j] + gh[go + j]);
              const z = sigmoid(px[xo + H + j] + gh[go + H + j]);
              const hn = gh[go + 2 * H + j];
              const n = Math.tanh(px[xo + 2 * H + j] + r * hn);
              if (act) {
                act[ao + j] = r;
                act[ao + H + j] = z;
                act[ao + 2 * H + j] = n;
                act[ao + 3 * H + j] = hn;
              }
              h[hb + j] = (1 - z) * n + z * h[hb + j];
            }
          } else {
            const ao = row * 5 * H;
            for (let j = 0; j < H; j++) {
              const i = sigmoid(px[xo + j] + gh[go + j]);
              const f = sigmoid(px[xo + H + j] + gh[go + H + j]);
              const g = Math.tanh(px[xo + 2 * H + j] + gh[go + 2 * H + j]);
              const o = sigmoid(px[xo + 3 * H + j] + gh[go + 3 * H + j]);
              const cn = f * c![hb + j] + i * g;
              const tc = Math.tanh(cn);
              if (act) {
                act[ao + j] = i;
                act[ao + H + j] = f;
                act[ao + 2 * H + j] = g;
                act[ao + 3 * H + j] = o;
                act[ao + 4 * H + j] = tc;
              }
              c![hb + j] = cn;
              h[hb + j] = o * tc;
            }
          }
        }
        hs.set(h.subarray(hb, hb + H), row * H);
      }
    }
    return { hs, c, saved: keep ? { hPrev: hPrev!, cPrev, act: act! } : undefined };
  }

  private backward(
    s: Saved,
    dy: Float32Array,
    wHh: tf.Tensor2D,
    B: number,
    T: number,
    mask: Float32Array | null,
    order: (k: number) => number,
  ): { dProj: Float32Array; dh: Float32Array; dc: Float32Array | null; hPrev: tf.Tensor2D; dGh: tf.Tensor2D; db: Float32Array } {
    const H = this.hidden;
    const G = this.gates * H;
    const lstm = this.cell === 'lstm';
    const dh = new Float32Array(B * H);
    const dc = lstm ? new Float32Array(B * H) : null;
    const dGh = new Float32Array(T * B * G);
    // For a GRU the input and hidden pre-activation gradients differ in the n gate (r ⊙ …).
    const dGx = lstm ? dGh : new Float32Array(T * B * G);
    const direct = new Float32Array(B * H);
    const validRow = new Uint8Array(B);
    const wT = tf.transpose(wHh);
    for (let k = T - 1; k >= 0; k--) {
      const t = order(k);
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const hb = b * H;
        for (let j = 0; j < H; j++) dh[hb + j] += dy[row * H + j];
        const valid = !mask || mask[row] !== 0;
        validRow[b] = valid ? 1 : 0;
        if (!valid) continue;
        const go = row * G;
        if (!lstm) {
          const ao = row * 4 * H;
          for (let j = 0; j < H; j++) {
            const g = dh[hb + j];
            const r = s.act[ao + j];
            const z = s.act[ao + H + j];
            const n = s.act[ao + 2 * H + j];
            const hn = s.act[ao + 3 * H + j];
            const dan = g * (1 - z) * (1 - n * n);
            const dar = dan * hn * r * (1 - r);
            const daz = g * (s.hPrev[row * H + j] - n) * z * (1 - z);
            dGx[go + j] = dar;
            dGx[go + H + j] = daz;
            dGx[go + 2 * H + j] = dan;
            dGh[go + j] = dar;
            dGh[go + H + j] = daz;
            dGh[go + 2 * H + j] = dan * r;
            direct[hb + j] = g * z;
          }
        } else {
          const ao = row * 5 * H;
          for (let j = 0; j < H; j++) {
            const g = dh[hb + j];
            const i = s.act[ao + j];
            const f = s.act[ao + H + j];
            const gg = s.act[ao + 2 * H + j];
            const o = s.act[ao + 3 * H + j];
            const tc = s.act[ao + 4 * H + j];
            const dct = dc![hb + j] + g * o * (1 - tc * tc);
            dGh[go + j] = dct * gg * i * (1 - i);
            dGh[go + H + j] = dct * s.cPrev![row * H + j] * f * (1 - f);
            dGh[go + 2 * H + j] = dct * i * (1 - gg * gg);
            dGh[go + 3 * H + j] = g * tc * o * (1 - o);
            dc![hb + j] = dct * f;
            direct[hb + j] = 0;
          }
        }
      }
      // dh_prev = direct + dG_t · W_hhᵀ for the valid rows; padded rows pass dh (and dc) on.
      const dgt = tf.tensor2d(dGh.subarray(t * B * G, (t + 1) * B * G), [B, G]);
      const back = tf.matMul(dgt, wT);
      const bd = back.dataSync() as Float32Array;
      tf.dispose([dgt, back]);
      for (let b = 0; b < B; b++) {
        if (!validRow[b]) continue;
        const hb = b * H;
        for (let j = 0; j < H; j++) dh[hb + j] = direct[hb + j] + bd[hb + j];
      }
    }
    wT.dispose();
    return this.gradients(s, dGx, dGh, dh, dc, B, T);
  }

  /** What the backward pass returns, with db = Σ_rows dGh. */
  private gradients(s: Saved, dGx: Float32Array, dGh: Float32Array, dh: Float32Array, dc: Float32Array | null, B: number, T: number) {
    const H = this.hidden;
    const G = this.gates * H;
    const db = new Float32Array(G);
    for (let r = 0; r < T * B; r++) {
      const o = r * G;
      for (let j = 0; j < G; j++) db[j] += dGh[o + j];
    }
    return {
      dProj: dGx,
      dh,
      dc,
      hPrev: tf.tensor2d(s.hPrev, [T * B, H]),
      dGh: tf.tensor2d(dGh, [T * B, G]),
      db,
    };
  }
}

interface Saved {
  hPrev: Float32Array;
  cPrev: Float32Array | null;
  /** GRU: r, z, n, h·W_hn + b_hn; LSTM: i, f, g, o, tanh(c'); per row, H each. */
  act: Float32Array;
}
