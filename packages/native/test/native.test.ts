/**
 * The raw @vaekit/native kernels against plain JS references (float64), on a shared heap
 * with offsets, odd sizes and batch 1. Skipped, with a note, when the addon is not built or
 * the CPU lacks AVX2/FMA (then vaekit runs on plain wasm; core's kernels.test.ts covers that).
 * The kernels as registered for the tfjs wasm backend are tested against the cpu backend in
 * packages/core/test/kernels.test.ts.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { load, unavailableReason } = require('../src/index.js') as typeof import('../src/index');

const native = load();
const maybe = native ? it : it.skip;
if (!native) console.log(`native.test: skipped: ${unavailableReason()}`);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fill(h: Float32Array, off: number, n: number, seed: number, scale = 1): void {
  const next = rng(seed);
  for (let i = 0; i < n; i++) h[off + i] = (next() * 2 - 1) * scale;
}

/** A GEMM's operands in a heap: offsets, leading dimensions, transposes, bias offset or -1. */
interface Gemm {
  M: number;
  N: number;
  K: number;
  aOff: number;
  lda: number;
  tA: boolean;
  bOff: number;
  ldb: number;
  tB: boolean;
  cOff: number;
  ldc: number;
  biasOff: number;
}

/** max |C − (op(A)·op(B) + bias)| over max |reference|, from a plain triple loop; NaN in C counts as infinite. */
function gemmRelativeError(heap: Float32Array, g: Gemm): number {
  let maxErr = 0;
  let maxRef = 0;
  for (let i = 0; i < g.M; i++) {
    for (let j = 0; j < g.N; j++) {
      let s = g.biasOff >= 0 ? heap[g.biasOff + j] : 0;
      for (let k = 0; k < g.K; k++) {
        s += heap[g.aOff + (g.tA ? k * g.lda + i : i * g.lda + k)] * heap[g.bOff + (g.tB ? j * g.ldb + k : k * g.ldb + j)];
      }
      const got = heap[g.cOff + i * g.ldc + j];
      maxErr = Math.max(maxErr, Number.isNaN(got) ? Infinity : Math.abs(got - s));
      maxRef = Math.max(maxRef, Math.abs(s));
    }
  }
  return maxErr / Math.max(maxRef, 1e-6);
}

describe('@vaekit/native', () => {
  maybe('sgemm matches a float64 reference (transposes, bias, odd sizes, batch 1, offsets)', () => {
    const heap = new Float32Array(1 << 22);
    const shapes: Array<[number, number, number]> = [
      [1, 1, 1], [1, 5, 1], [1, 784, 400], [2, 3, 4], [6, 16, 256], [7, 17, 257], [13, 1, 33], [128, 784, 40], [61, 530, 1031],
    ];
    let seed = 1;
    for (const [M, N, K] of shapes) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          for (const withBias of [false, true]) {
            const aOff = 3;
            const bOff = aOff + M * K + 5;
            const biasOff = bOff + K * N + 7;
            const cOff = biasOff + N + 1;
            fill(heap, aOff, M * K, seed++);
            fill(heap, bOff, K * N, seed++);
            fill(heap, biasOff, N, seed++);
            heap.fill(NaN, cOff, cOff + M * N); // every output must be written
            heap[cOff - 1] = 12345;
            heap[cOff + M * N] = 54321;
            const g = { M, N, K, aOff, lda: tA ? M : K, tA, bOff, ldb: tB ? K : N, tB, cOff, ldc: N, biasOff: withBias ? biasOff : -1 };
            native!.sgemm(heap, M, N, K, g.aOff, g.lda, tA, g.bOff, g.ldb, tB, g.cOff, g.ldc, g.biasOff);
            expect(gemmRelativeError(heap, g)).toBeLessThan(1e-5);
            // Nothing outside C was written.
            expect(heap[cOff - 1]).toBe(12345);
            expect(heap[cOff + M * N]).toBe(54321);
          }
        }
      }
    }
  });

  maybe('gruForward rejects sizes that do not fit B, T, H', () => {
    const f = (n: number) => new Float32Array(n);
    const [B, T, H] = [2, 3, 8];
    const ok = () => native!.gruForward(B, T, H, f(T * B * 3 * H), f(B * H), f(H * 3 * H), f(3 * H), f(0), false, f(T * B * H), f(0), f(0));
    ok();
    expect(() => native!.gruForward(B, T, H, f(T * B * 3 * H - 1), f(B * H), f(H * 3 * H), f(3 * H), f(0), false, f(T * B * H), f(0), f(0))).toThrow(/do not fit/);
    expect(() => native!.gruForward(B, T, 12, f(T * B * 36), f(B * 12), f(12 * 36), f(36), f(0), false, f(T * B * 12), f(0), f(0))).toThrow(/multiple of 8/);
    expect(() => native!.gruForward(B, T, H, f(T * B * 3 * H), f(B * H), f(H * 3 * H), f(3 * H), f(T * B - 1), false, f(T * B * H), f(0), f(0))).toThrow(/do not fit/);
  });

  maybe('sgemm rejects out-of-bounds operands', () => {
    const heap = new Float32Array(100);
    expect(() => native!.sgemm(heap, 10, 10, 10, 0, 10, false, 0, 10, false, 50, 10, -1)).toThrow(/out of bounds/);
  });

  maybe('the convolutions reject bad geometry and out-of-bounds operands, the bias by its channels', () => {
    // [B, H, W, C, kh, kw, outC, sh, sw, dh, dw, padTop, padLeft, OH, OW]: x 2·4·4·3 = 96, f 2·2·3·5 = 60, y 2·3·3·5 = 90.
    const geom = Int32Array.from([2, 4, 4, 3, 2, 2, 5, 1, 1, 1, 1, 0, 0, 3, 3]);
    const heap = new Float32Array(96 + 60 + 90 + 5);
    const [xo, fo, yo, bo] = [0, 96, 156, 246];
    expect(() => native!.conv2d(heap, xo, fo, yo, bo, geom)).not.toThrow();
    // The input gradient's bias is over dx's 3 channels, the forward's over 5 outputs.
    expect(() => native!.conv2dInputGrad(heap, xo, fo, yo, 248, geom)).not.toThrow();
    expect(() => native!.conv2d(heap, xo, fo, yo, 248, geom)).toThrow(/out of bounds/);
    expect(() => native!.conv2d(heap, xo, fo, 162, -1, geom)).toThrow(/out of bounds/);
    expect(() => native!.conv2dFilterGrad(heap, -1, fo, yo, -1, geom)).toThrow(/out of bounds/);
    const bad = Int32Array.from(geom);
    bad[13] = 0; // OH
    expect(() => native!.conv2dInputGrad(heap, xo, fo, yo, -1, bad)).toThrow(/bad geometry/);
    expect(() => native!.conv2d(heap, xo, fo, yo, -1, Float64Array.from(geom) as unknown as Int32Array)).toThrow(/geom must be an Int32Array of 15/);
    expect(() => native!.conv2d(heap, xo, fo, yo, -1, geom.subarray(1))).toThrow(/geom must be an Int32Array of 15/);
  });

  maybe('adam is tf.train.adam, op by op in float32 (bit-identical), on the gradient times gradScale', () => {
    const f = Math.fround;
    for (const [n, gs] of [[1, 1], [7, 1], [8, 0.37], [9, 1], [1003, 0.0123]]) {
      const heap = new Float32Array(7 * n + 4);
      const [x, m, v, g, xo, mo, vo] = [0, 1, 2, 3, 4, 5, 6].map((i) => 1 + i * n);
      fill(heap, x, n, 1);
      fill(heap, m, n, 2, 0.1);
      for (let i = 0; i < n; i++) heap[v + i] = Math.abs(rng(3 + i)() * 0.01);
      fill(heap, g, n, 4);
      const lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, c1 = f(1 - f(0.9 * 0.9)), c2 = f(1 - f(0.999 * 0.999));
      const expected: number[][] = [[], [], []];
      for (let i = 0; i < n; i++) {
        const gi = f(heap[g + i] * f(gs));
        const mn = f(f(heap[m + i] * f(b1)) + f(gi * f(1 - b1)));
        const vn = f(f(heap[v + i] * f(b2)) + f(f(gi * gi) * f(1 - b2)));
        const q = f(f(mn / c1) / f(f(Math.sqrt(f(vn / c2))) + f(eps)));
        expected[0].push(f(f(q * f(-lr)) + heap[x + i]));
        expected[1].push(mn);
        expected[2].push(vn);
      }
      native!.adam(heap, n, x, m, v, g, xo, mo, vo, lr, b1, b2, eps, c1, c2, gs);
      expect(Array.from(heap.subarray(xo, xo + n))).toEqual(expected[0]);
      expect(Array.from(heap.subarray(mo, mo + n))).toEqual(expected[1]);
      expect(Array.from(heap.subarray(vo, vo + n))).toEqual(expected[2]);
    }
  });

  maybe('softplus matches log1p(exp(x)) with tfjs thresholds', () => {
    const n = 10007;
    const heap = new Float32Array(2 * n + 2);
    fill(heap, 1, n, 9, 40);
    heap.set([0, -13.9, -13.95, 13.9, 13.95, 1e-8, -1e-8], 1);
    native!.softplus(heap, n, 1, n + 1);
    const t = Math.log(1.1920928955078125e-7) + 2;
    for (let i = 0; i < n; i++) {
      const x = heap[1 + i];
      const r = x > -t ? x : x < t ? Math.exp(x) : Math.log1p(Math.exp(x));
      expect(Math.abs(heap[n + 1 + i] - r) / r).toBeLessThan(2e-6);
    }
  });

  maybe('relu is max(x, 0), NaN kept, in place too', () => {
    const n = 1003;
    const heap = new Float32Array(2 * n + 2);
    fill(heap, 1, n, 77, 3);
    heap[4] = NaN;
    const x = heap.slice(1, n + 1);
    native!.relu(heap, n, 1, n + 1);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(x[i])) expect(Number.isNaN(heap[n + 1 + i])).toBe(true);
      else expect(heap[n + 1 + i]).toBe(x[i] > 0 ? x[i] : 0);
    }
    native!.relu(heap, n, 1, 1);
    expect(Array.from(heap.slice(1, n + 1))).toEqual(Array.from(heap.slice(n + 1, 2 * n + 1)));
  });

  maybe('sum over the leading or trailing axis matches a float64 reference', () => {
    // [5000, 32]: short rows, many of them: summed in blocks of rows.
    for (const [outer, inner] of [[1, 1], [1, 13], [13, 1], [128, 784], [7, 9], [5000, 32], [2049, 255]]) {
      const heap = new Float32Array(outer * inner + Math.max(outer, inner) + 2);
      fill(heap, 1, outer * inner, outer + inner);
      const yOff = 1 + outer * inner;
      for (const leading of [true, false]) {
        native!.sum(heap, outer, inner, 1, yOff, leading);
        const len = leading ? inner : outer;
        for (let o = 0; o < len; o++) {
          let s = 0;
          for (let i = 0; i < (leading ? outer : inner); i++) s += heap[1 + (leading ? i * inner + o : o * inner + i)];
          expect(Math.abs(heap[yOff + o] - s)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(s)));
        }
      }
    }
  });
  maybe('conv2d (im2col + sgemm) matches a direct float64 convolution', () => {
    // [B, H, W, C, kh, kw, outC, sh, sw, dh, dw, padTop, padLeft]
    const cases = [
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
      [1, 5, 5, 8, 3, 3, 16, 1, 1, 1, 1, 1, 1],
      [3, 7, 9, 5, 2, 3, 19, 2, 1, 1, 1, 0, 0],
      [2, 14, 14, 32, 4, 4, 64, 2, 2, 1, 1, 1, 1],
      [4, 14, 14, 6, 7, 7, 5, 1, 1, 2, 2, 1, 1],
      [1, 13, 11, 7, 3, 5, 33, 1, 1, 2, 3, 2, 6],
      // Few output channels (computed transposed), over more than one im2col chunk.
      [12, 28, 28, 1, 4, 4, 4, 1, 1, 1, 1, 1, 1],
      [2, 9, 8, 3, 3, 3, 1, 2, 1, 2, 1, 2, 0],
    ];
    let seed = 50;
    for (const [B, H, W, C, kh, kw, outC, sh, sw, dh, dw, pt, pl] of cases) {
      const OH = Math.floor((H + 2 * pt - (dh * (kh - 1) + 1)) / sh) + 1;
      const OW = Math.floor((W + 2 * pl - (dw * (kw - 1) + 1)) / sw) + 1;
      const xN = B * H * W * C;
      const fN = kh * kw * C * outC;
      const yN = B * OH * OW * outC;
      const heap = new Float32Array(2 + xN + fN + outC + yN + 1);
      const xo = 1, fo = xo + xN, bo = fo + fN, yo = bo + outC;
      fill(heap, xo, xN, seed++);
      fill(heap, fo, fN, seed++);
      fill(heap, bo, outC, seed++);
      heap[yo + yN] = 777;
      native!.conv2d(heap, xo, fo, yo, bo, Int32Array.from([B, H, W, C, kh, kw, outC, sh, sw, dh, dw, pt, pl, OH, OW]));
      let maxErr = 0;
      let maxRef = 0;
      for (let b = 0; b < B; b++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let o = 0; o < outC; o++) {
        let s = heap[bo + o];
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
          const ih = oh * sh - pt + i * dh;
          const iw = ow * sw - pl + j * dw;
          if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
          for (let c = 0; c < C; c++) s += heap[xo + ((b * H + ih) * W + iw) * C + c] * heap[fo + ((i * kw + j) * C + c) * outC + o];
        }
        maxErr = Math.max(maxErr, Math.abs(heap[yo + ((b * OH + oh) * OW + ow) * outC + o] - s));
        maxRef = Math.max(maxRef, Math.abs(s));
      }
      expect(maxErr / maxRef).toBeLessThan(1e-5);
      expect(heap[yo + yN]).toBe(777);
    }
  });
  /** Output size, operand sizes and geom of a stride (sh, sw), dilation-1 convolution case. */
  function convCase(B: number, H: number, W: number, C: number, kh: number, kw: number, outC: number, sh: number, sw: number, pt: number, pl: number) {
    const OH = Math.floor((H + 2 * pt - kh) / sh) + 1;
    const OW = Math.floor((W + 2 * pl - kw) / sw) + 1;
    const geom = Int32Array.from([B, H, W, C, kh, kw, outC, sh, sw, 1, 1, pt, pl, OH, OW]);
    return { B, H, W, kh, kw, sh, sw, pt, pl, OH, OW, xN: B * H * W * C, dN: B * OH * OW * outC, wN: kh * kw * C * outC, geom };
  }

  /** fn for every (output position, kernel tap) whose input position (ih, iw) is inside the input. */
  function forEachTap(
    c: { B: number; H: number; W: number; kh: number; kw: number; sh: number; sw: number; pt: number; pl: number; OH: number; OW: number },
    fn: (b: number, oh: number, ow: number, i: number, j: number, ih: number, iw: number) => void,
  ): void {
    for (let b = 0; b < c.B; b++) for (let oh = 0; oh < c.OH; oh++) for (let ow = 0; ow < c.OW; ow++) {
      for (let i = 0; i < c.kh; i++) for (let j = 0; j < c.kw; j++) {
        const ih = oh * c.sh - c.pt + i;
        const iw = ow * c.sw - c.pl + j;
        if (ih >= 0 && ih < c.H && iw >= 0 && iw < c.W) fn(b, oh, ow, i, j, ih, iw);
      }
    }
  }

  /** heap[off..] against a float64 reference: largest error over largest value below 1e-5, no NaN. */
  function expectNear(heap: Float32Array, off: number, ref: Float64Array): void {
    let maxErr = 0;
    let maxRef = 0;
    for (let i = 0; i < ref.length; i++) {
      const got = heap[off + i];
      maxErr = Math.max(maxErr, Number.isNaN(got) ? Infinity : Math.abs(got - ref[i]));
      maxRef = Math.max(maxRef, Math.abs(ref[i]));
    }
    expect(maxErr / Math.max(maxRef, 1e-6)).toBeLessThan(1e-5);
  }

  maybe('conv2dFilterGrad matches a direct float64 filter gradient', () => {
    // [B, H, W, C, kh, kw, outC, sh, sw, padTop, padLeft]
    const cases = [
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
      [3, 7, 9, 5, 2, 3, 19, 2, 1, 0, 0],
      [2, 14, 14, 32, 4, 4, 64, 2, 2, 1, 1],
      [5, 28, 28, 1, 4, 4, 32, 2, 2, 1, 1],
      [1, 13, 11, 7, 3, 5, 33, 1, 1, 2, 1],
    ];
    let seed = 80;
    for (const [B, H, W, C, kh, kw, outC, sh, sw, pt, pl] of cases) {
      const cc = convCase(B, H, W, C, kh, kw, outC, sh, sw, pt, pl);
      const { OH, OW, xN, dN, wN, geom } = cc;
      const heap = new Float32Array(1 + xN + dN + wN + 1);
      const xo = 1, dyo = xo + xN, dwo = dyo + dN;
      fill(heap, xo, xN, seed++);
      fill(heap, dyo, dN, seed++);
      heap.fill(NaN, dwo, dwo + wN);
      heap[dwo + wN] = 99;
      native!.conv2dFilterGrad(heap, xo, dwo, dyo, -1, geom);
      const ref = new Float64Array(wN);
      forEachTap(cc, (b, oh, ow, i, j, ih, iw) => {
        for (let c = 0; c < C; c++) for (let o = 0; o < outC; o++) {
          ref[((i * kw + j) * C + c) * outC + o] += heap[xo + ((b * H + ih) * W + iw) * C + c] * heap[dyo + ((b * OH + oh) * OW + ow) * outC + o];
        }
      });
      expectNear(heap, dwo, ref);
      expect(heap[dwo + wN]).toBe(99);
    }
  });

  maybe('conv2dInputGrad (the transposed convolution) matches a direct float64 input gradient', () => {
    // [B, H, W, C, kh, kw, outC, sh, sw, padTop, padLeft]: windows of 16..512 values (the short
    // ones, under 32, take the transposed product and the gather), several chunks, odd sizes.
    const cases = [
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
      [2, 14, 14, 32, 4, 4, 64, 2, 2, 1, 1],
      [12, 28, 28, 1, 4, 4, 32, 2, 2, 1, 1],
      [3, 9, 8, 5, 3, 2, 7, 2, 1, 1, 0],
      [1, 13, 11, 7, 3, 5, 33, 1, 1, 2, 1],
      [2, 10, 7, 40, 2, 3, 3, 3, 2, 0, 1],
      [2, 11, 9, 2, 3, 3, 5, 3, 2, 1, 2],
      [3, 8, 13, 3, 2, 3, 9, 1, 3, 0, 2],
    ];
    let seed = 120;
    for (const [B, H, W, C, kh, kw, outC, sh, sw, pt, pl] of cases) {
      const cc = convCase(B, H, W, C, kh, kw, outC, sh, sw, pt, pl);
      const { OH, OW, xN, dN, wN, geom } = cc;
      const heap = new Float32Array(1 + xN + 1 + dN + wN + C);
      const dxo = 1, dyo = dxo + xN + 1, fo = dyo + dN, bo = fo + wN;
      fill(heap, dyo, dN, seed++);
      fill(heap, fo, wN, seed++);
      fill(heap, bo, C, seed++);
      heap.fill(NaN, dxo, dxo + xN);
      heap[dxo + xN] = 99;
      native!.conv2dInputGrad(heap, dxo, fo, dyo, bo, geom);
      const ref = new Float64Array(xN);
      for (let p = 0; p < B * H * W; p++) for (let c = 0; c < C; c++) ref[p * C + c] = heap[bo + c];
      forEachTap(cc, (b, oh, ow, i, j, ih, iw) => {
        for (let c = 0; c < C; c++) {
          let s = 0;
          for (let o = 0; o < outC; o++) s += heap[dyo + ((b * OH + oh) * OW + ow) * outC + o] * heap[fo + ((i * kw + j) * C + c) * outC + o];
          ref[((b * H + ih) * W + iw) * C + c] += s;
        }
      });
      expectNear(heap, dxo, ref);
      expect(heap[dxo + xN]).toBe(99);
    }
  });

  maybe('sgemm: every tile edge, B read in place for small M, leading dimensions wider than the matrices', () => {
    // Rows 1..13 and a few more cover every remainder of the 12- and 6-row panels (M <= 48 with an
    // untransposed B is the AVX-512 path that reads B in place); columns every remainder class of
    // the 32- and 16-column panels; K below 8 and above one 256 slice for the transposing packs.
    const heap = new Float32Array(1 << 21);
    const Ms = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 48, 49];
    const Ns = [1, 15, 16, 17, 31, 33, 48];
    let seed = 500;
    let count = 0;
    for (const M of Ms) {
      for (const N of Ns) {
        const K = [5, 37, 270][count++ % 3];
        for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
          const lda = (tA ? M : K) + 3, ldb = (tB ? K : N) + 5, ldc = N + 2;
          const aRows = tA ? K : M, bRows = tB ? N : K;
          const aOff = 2, bOff = aOff + aRows * lda + 1, biasOff = bOff + bRows * ldb + 1, cOff = biasOff + N + 1;
          fill(heap, aOff, aRows * lda, seed++);
          fill(heap, bOff, bRows * ldb, seed++);
          fill(heap, biasOff, N, seed++);
          heap.fill(NaN, cOff, cOff + M * ldc);
          const withBias = count % 2 === 0;
          native!.sgemm(heap, M, N, K, aOff, lda, tA, bOff, ldb, tB, cOff, ldc, withBias ? biasOff : -1);
          expect(gemmRelativeError(heap, { M, N, K, aOff, lda, tA, bOff, ldb, tB, cOff, ldc, biasOff: withBias ? biasOff : -1 })).toBeLessThan(1e-5);
          // The padding between rows of C is left alone.
          for (let i = 0; i < M - 1; i++) for (let j = N; j < ldc; j++) expect(Number.isNaN(heap[cOff + i * ldc + j])).toBe(true);
        }
      }
    }
  });

  maybe('sgemm: the AVX-512 and AVX2 kernels give the same bits', () => {
    // Each kernel in its own process (the choice is made once per process); on a CPU without
    // AVX-512 both runs take the AVX2 kernel and the test is trivially true. The last shape has A
    // and C larger than L2 (the AVX-512 path prefetches them).
    const script = `
      const native = require(${JSON.stringify(require.resolve('../src/index.js'))}).load();
      const crypto = require('crypto');
      let a = 9;
      const rand = () => ((a = (a * 1103515245 + 12345) >>> 0) / 4294967296) - 0.5;
      const out = [native.sgemmIsa()];
      for (const [M, N, K, tA, tB] of [[37, 53, 300, 0, 0], [200, 70, 600, 0, 1], [50, 1000, 97, 1, 0], [13, 77, 700, 1, 1], [32, 768, 256, 0, 0], [300, 1100, 1000, 0, 0],
        [1, 1, 1, 0, 0], [5, 17, 9, 0, 1], [7, 33, 270, 1, 1], [11, 15, 600, 0, 0], [2, 100, 13, 1, 0], [40, 208, 300, 0, 0], [64, 48, 70, 0, 1]]) {
        const heap = new Float32Array(M * K + K * N + M * N + N);
        for (let i = 0; i < heap.length; i++) heap[i] = rand();
        const c = M * K + K * N;
        native.sgemm(heap, M, N, K, 0, tA ? M : K, !!tA, M * K, tB ? K : N, !!tB, c, N, tA ? -1 : c + M * N);
        out.push(crypto.createHash('sha256').update(Buffer.from(heap.buffer, c * 4, M * N * 4)).digest('hex'));
      }
      console.log(JSON.stringify(out));`;
    const run = (env: Record<string, string>) =>
      JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...env } }).toString()) as string[];
    const avx2 = run({ VAEKIT_NATIVE_AVX512: '0' });
    const best = run({});
    expect(avx2[0]).toBe('avx2');
    expect(best[0]).toBe(native!.sgemmIsa());
    expect(best.slice(1)).toEqual(avx2.slice(1));
  });
});

/**
 * The thread pool: every kernel splits its output into disjoint parts and computes each element
 * in the same order whatever the thread count, so 2 and 3 threads must give bitwise the results
 * of 1 thread (and the tests above hold those against float64 references). Shapes are large
 * enough to be split and odd, so the parts are uneven.
 */
describe('@vaekit/native threads', () => {
  afterAll(() => native?.setThreads(1));

  /** Runs `fn` (which writes heap[out, out + n)) on 1, 2 and 3 threads; the outputs must be equal. */
  function sameOnThreads(heap: Float32Array, out: number, n: number, fn: () => void): void {
    const results: Float32Array[] = [];
    for (const t of [1, 2, 3]) {
      native!.setThreads(t);
      expect(native!.threads()).toBe(t);
      heap.fill(NaN, out, out + n);
      fn();
      results.push(heap.slice(out, out + n));
    }
    for (const r of results.slice(1)) {
      expect(r.some((v) => Number.isNaN(v))).toBe(false);
      expect(Buffer.from(r.buffer).equals(Buffer.from(results[0].buffer))).toBe(true);
    }
  }

  maybe('setThreads takes an integer >= 1 and threads() reports it', () => {
    native!.setThreads(2);
    expect(native!.threads()).toBe(2);
    for (const bad of [0, -1, 1.5, NaN]) expect(() => native!.setThreads(bad)).toThrow(/integer >= 1/);
    expect(native!.threads()).toBe(2);
    native!.setThreads(1);
    expect(native!.threads()).toBe(1);
  });

  maybe('sgemm: column and row splits give the single-thread results bitwise', () => {
    const heap = new Float32Array(1 << 23);
    // [M, N, K]: wide (column panels) and tall (row panels), odd sizes, with and without bias.
    const shapes: Array<[number, number, number]> = [[61, 530, 331], [530, 61, 331], [37, 3001, 64], [32, 768, 256]];
    let seed = 100;
    for (const [M, N, K] of shapes) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true]]) {
        const aOff = 1, bOff = aOff + M * K + 3, biasOff = bOff + K * N + 5, cOff = biasOff + N + 1;
        fill(heap, aOff, M * K, seed++);
        fill(heap, bOff, K * N, seed++);
        fill(heap, biasOff, N, seed++);
        const bias = tA ? -1 : biasOff;
        sameOnThreads(heap, cOff, M * N, () => native!.sgemm(heap, M, N, K, aOff, tA ? M : K, tA, bOff, tB ? K : N, tB, cOff, N, bias));
      }
    }
  });

  maybe('conv2d, conv2dFilterGrad and conv2dInputGrad give the single-thread results bitwise', () => {
    const heap = new Float32Array(1 << 22);
    // [B, H, W, C, kh, kw, outC, stride, pad]
    for (const [B, H, W, C, kh, kw, outC, s, p] of [[16, 28, 28, 1, 4, 4, 32, 2, 1], [8, 14, 14, 32, 4, 4, 64, 2, 1], [64, 14, 14, 32, 4, 4, 64, 2, 1], [3, 9, 11, 5, 3, 3, 7, 1, 1], [9, 17, 17, 2, 3, 3, 6, 3, 1]]) {
      const OH = Math.floor((H + 2 * p - kh) / s) + 1, OW = Math.floor((W + 2 * p - kw) / s) + 1;
      const geom = Int32Array.from([B, H, W, C, kh, kw, outC, s, s, 1, 1, p, p, OH, OW]);
      const xo = 1, fo = xo + B * H * W * C + 1, bo = fo + kh * kw * C * outC + 1, yo = bo + outC + 1;
      const dyo = yo + B * OH * OW * outC + 1, dwo = dyo + B * OH * OW * outC + 1;
      fill(heap, xo, B * H * W * C, 7);
      fill(heap, fo, kh * kw * C * outC, 8);
      fill(heap, bo, outC, 9);
      fill(heap, dyo, B * OH * OW * outC, 10);
      sameOnThreads(heap, yo, B * OH * OW * outC, () => native!.conv2d(heap, xo, fo, yo, bo, geom));
      sameOnThreads(heap, dwo, kh * kw * C * outC, () => native!.conv2dFilterGrad(heap, xo, dwo, dyo, -1, geom));
      // The input gradient into the place of x (overwritten: the last use of x above).
      sameOnThreads(heap, xo, B * H * W * C, () => native!.conv2dInputGrad(heap, xo, fo, dyo, -1, geom));
    }
  });

  maybe('softmaxXent, its gradient, sum, softplus and adam give the single-thread results bitwise', () => {
    const heap = new Float32Array(1 << 21);
    const N = 61, V = 3001;
    const lo = 1, to = lo + N * V, wo = to + N, so = wo + N, po = so + N, go = po + N * V;
    fill(heap, lo, N * V, 11, 5);
    const ti = new Int32Array(heap.buffer, to * 4, N);
    for (let r = 0; r < N; r++) ti[r] = (r * 7919) % V;
    for (let r = 0; r < N; r++) heap[wo + r] = r % 5 === 0 ? 0 : 1 + r / N;
    // loss and probs are adjacent: [so, so + N) and [po, po + N·V) with po = so + N.
    sameOnThreads(heap, so, N + N * V, () => native!.softmaxXent(heap, N, V, lo, to, wo, so, po));
    sameOnThreads(heap, go, N * V, () => native!.softmaxXentGrad(heap, N, V, po, to, wo, go));
    // In place (gradOff = probsOff): the same values as into a separate output.
    const separate = heap.slice(go, go + N * V);
    native!.softmaxXentGrad(heap, N, V, po, to, wo, po);
    expect(Buffer.from(heap.slice(po, po + N * V).buffer).equals(Buffer.from(separate.buffer))).toBe(true);
    const n = 100007;
    const xo = go + N * V + 1, yo = xo + n + 1;
    fill(heap, xo, n, 12, 20);
    sameOnThreads(heap, yo, n, () => native!.softplus(heap, n, xo, yo));
    sameOnThreads(heap, yo, n, () => native!.relu(heap, n, xo, yo));
    sameOnThreads(heap, yo, n, () => native!.reluGrad(heap, n, go, xo, yo));
    // Bernoulli NLL of 127 rows of 787 (rows spread over the threads) and its gradient.
    sameOnThreads(heap, yo, 127, () => native!.bernoulliNll(heap, 127, 787, xo, go, yo));
    sameOnThreads(heap, yo, 127 * 787, () => native!.bernoulliNllGrad(heap, 127, 787, go, xo, go, yo));
    sameOnThreads(heap, yo, n, () => native!.mul(heap, n, xo, go, yo, false));
    sameOnThreads(heap, yo, n, () => native!.mul(heap, n, xo, go, yo, true));
    for (let i = 0; i < n; i += 997) expect(heap[yo + i]).toBe(Math.fround(heap[xo + i] * heap[go]));
    sameOnThreads(heap, yo, n, () => native!.add(heap, n, xo, go, yo, false));
    for (let i = 0; i < n; i += 997) expect(heap[yo + i]).toBe(Math.fround(heap[xo + i] + heap[go + i]));
    sameOnThreads(heap, yo, n, () => native!.add(heap, n, xo, go, yo, true));
    for (let i = 0; i < n; i += 997) expect(heap[yo + i]).toBe(Math.fround(heap[xo + i] + heap[go]));
    // The Gaussian steps (op 1 writes two outputs: y and y2 = y + n).
    for (const op of [0, 1, 2, 3] as const) {
      sameOnThreads(heap, yo, op === 1 ? 2 * n : n, () => native!.gaussian(heap, op, n, xo, go, go + 1, yo, yo + n));
    }
    const sums = new Float32Array(1 << 21);
    const sy = 900000;
    fill(sums, 1, sy - 1, 16);
    // [3, 200001]: rows longer than one block of 65,536 (blocks spread over the threads).
    for (const [outer, inner] of [[736, 1003], [10003, 37], [3, 100001], [1, 200001]]) {
      sameOnThreads(sums, sy, inner, () => native!.sum(sums, outer, inner, 1, sy, true));
      sameOnThreads(sums, sy, outer, () => native!.sum(sums, outer, inner, 1, sy, false));
    }
    // adam writes x', m', v' into one output block of 3n.
    const m = 100003;
    const p0 = 1, mo = p0 + m, vo = mo + m, g = vo + m, out = g + m;
    fill(heap, p0, m, 13);
    fill(heap, mo, m, 14, 0.1);
    fill(heap, g, m, 15);
    for (let i = 0; i < m; i++) heap[vo + i] = Math.abs(heap[g + i]) * 0.01;
    sameOnThreads(heap, out, 3 * m, () => native!.adam(heap, m, p0, mo, vo, g, out, out + m, out + 2 * m, 1e-3, 0.9, 0.999, 1e-7, 0.1, 0.001, 0.7));
    // sumSquares: the same double on every thread count, over blocks of 65,536 values.
    for (const len of [0, 5, 65536, 65537, 300001]) {
      const sq: number[] = [];
      for (const t of [1, 2, 3]) {
        native!.setThreads(t);
        sq.push(native!.sumSquares(sums, len, 1));
      }
      native!.setThreads(1);
      expect(new Set(sq).size).toBe(1);
    }
  });

  maybe('reluGrad is dy · step(x), bit for bit, with NaN, ±0 and the scalar tail', () => {
    const f = Math.fround;
    for (const n of [1, 8, 13, 1003]) {
      const heap = new Float32Array(3 * n + 3);
      const [d, x, g] = [1, 1 + n, 2 + 2 * n];
      fill(heap, d, n, 31, 4);
      fill(heap, x, n, 32, 2);
      for (let i = 0; i < n; i += 5) heap[x + i] = [0, -0, NaN, Infinity, -Infinity][(i / 5) % 5];
      if (n > 3) heap[d + 3] = -Infinity;
      native!.reluGrad(heap, n, d, x, g);
      for (let i = 0; i < n; i++) {
        const xi = heap[x + i];
        const step = xi > 0 ? 1 : Number.isNaN(xi) ? NaN : 0;
        expect(Object.is(heap[g + i], f(heap[d + i] * step))).toBe(true);
      }
    }
  });

  maybe('bernoulliNll and its gradient match a float64 reference; bounds are checked', () => {
    for (const [B, D] of [[1, 1], [3, 7], [5, 8], [4, 37], [128, 784]]) {
      const heap = new Float32Array(3 * B * D + 2 * B + 8);
      const l = 1, x = l + B * D, nll = x + B * D, dy = nll + B, g = dy + B;
      fill(heap, l, B * D, 41, 30);
      for (let i = 0; i < B * D; i++) heap[x + i] = i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : Math.abs(rng(42 + i)());
      fill(heap, dy, B, 43, 2);
      native!.bernoulliNll(heap, B, D, l, x, nll);
      native!.bernoulliNllGrad(heap, B, D, dy, l, x, g);
      for (let b = 0; b < B; b++) {
        let want = 0;
        for (let d = 0; d < D; d++) {
          const li = heap[l + b * D + d], xi = heap[x + b * D + d];
          want += Math.log1p(Math.exp(-Math.abs(li))) + Math.max(li, 0) - xi * li;
          const gw = heap[dy + b] * (1 / (1 + Math.exp(-li)) - xi);
          expect(Math.abs(heap[g + b * D + d] - gw)).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(heap[dy + b])));
        }
        expect(Math.abs(heap[nll + b] - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
      }
    }
    const h = new Float32Array(100);
    expect(() => native!.bernoulliNll(h, 10, 5, 0, 50, 99)).toThrow(/out of bounds/);
    expect(() => native!.bernoulliNllGrad(h, 10, 5, 95, 0, 50, 60)).toThrow(/out of bounds/);
  });

  maybe('adamMany is adam per variable, bit for bit, on 1, 2 and 3 threads; bad variable lists are refused', () => {
    // Sizes around the 16K chunk and the 8-lane groups, an empty variable, and one of 313,600.
    const sizes = [1, 7, 16384, 16385, 0, 40003, 313600];
    const total = sizes.reduce((a, b) => a + b, 0);
    const heap = new Float32Array(1 + 8 * total + 16);
    const spec = new Float64Array(6 * sizes.length);
    let at = 1;
    sizes.forEach((n, i) => {
      const [x, m, v, g, xo] = [0, 1, 2, 3, 4].map((k) => at + k * n);
      fill(heap, x, n, 30 + i);
      fill(heap, m, n, 40 + i, 0.1);
      fill(heap, g, n, 50 + i);
      for (let j = 0; j < n; j++) heap[v + j] = Math.abs(heap[g + j]) * 0.01;
      spec.set([n, x, m, v, g, xo], 6 * i);
      at += 5 * n;
    });
    const args = [1e-3, 0.9, 0.999, 1e-7, 0.19, 0.002, 0.6] as const;
    const start = heap.slice();
    // The reference: one adam call per variable, on one thread.
    native!.setThreads(1);
    sizes.forEach((n, i) => {
      const [, x, m, v, g, xo] = spec.subarray(6 * i, 6 * i + 6);
      native!.adam(heap, n, x, m, v, g, xo, m, v, ...args);
    });
    const ref = heap.slice();
    for (const t of [1, 2, 3]) {
      native!.setThreads(t);
      heap.set(start);
      native!.adamMany(heap, spec, ...args);
      expect(Buffer.from(heap.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
    }
    native!.setThreads(1);
    // No variables: nothing to do.
    heap.set(start);
    native!.adamMany(heap, new Float64Array(0), ...args);
    expect(Buffer.from(heap.buffer).equals(Buffer.from(start.buffer))).toBe(true);
    expect(() => native!.adamMany(heap, new Float64Array(5), ...args)).toThrow(/6 numbers per variable/);
    expect(() => native!.adamMany(heap, Float64Array.from([10, 0, 0, 0, 0, heap.length - 5]), ...args)).toThrow(/out of bounds/);
    expect(() => native!.adamMany(heap, Float64Array.from([NaN, 0, 0, 0, 0, 0]), ...args)).toThrow(/out of bounds/);
    expect(() => native!.adamMany(heap, new Float32Array(6) as unknown as Float64Array, ...args)).toThrow(/Float64Array/);
  });

  maybe('denseGrad is sgemm for dw and dx and sum for db, bit for bit, on 1, 2 and 3 threads', () => {
    const heap = new Float32Array(1 << 22);
    for (const [M, N, K] of [[128, 784, 400], [128, 20, 400], [7, 33, 5], [1, 1, 1]]) {
      const x = 1, w = x + M * K, dy = w + K * N, dx = dy + M * N, dw = dx + M * K, db = dw + K * N, ref = db + N + 8;
      fill(heap, x, M * K, 41);
      fill(heap, w, K * N, 42);
      fill(heap, dy, M * N, 43);
      native!.setThreads(1);
      native!.sgemm(heap, K, N, M, x, K, true, dy, N, false, ref, N, -1);
      native!.sum(heap, M, N, dy, ref + K * N, true);
      native!.sgemm(heap, M, K, N, dy, N, false, w, N, true, ref + K * N + N, K, -1);
      const want = heap.slice(ref, ref + K * N + N + M * K);
      for (const t of [1, 2, 3]) {
        native!.setThreads(t);
        heap.fill(NaN, dx, ref);
        native!.denseGrad(heap, M, N, K, x, w, dy, dx, dw, db);
        const got = new Float32Array([...heap.subarray(dw, dw + K * N), ...heap.subarray(db, db + N), ...heap.subarray(dx, dx + M * K)]);
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
        // Without dx and db: only dw is written.
        heap.fill(NaN, dx, ref);
        native!.denseGrad(heap, M, N, K, x, w, dy, -1, dw, -1);
        expect(Buffer.from(heap.slice(dw, dw + K * N).buffer).equals(Buffer.from(want.slice(0, K * N).buffer))).toBe(true);
        expect(Number.isNaN(heap[dx]) && Number.isNaN(heap[db])).toBe(true);
      }
      native!.setThreads(1);
    }
    const h = new Float32Array(100);
    expect(() => native!.denseGrad(h, 2, 3, 4, 0, 8, 20, 30, 92, -1)).toThrow(/out of bounds/);
    expect(() => native!.denseGrad(h, 2, 3, 4, 0, 8, 20, -1, 40, 98)).toThrow(/out of bounds/);
    expect(() => native!.denseGrad(h, 0, 3, 4, 0, 8, 20, -1, 40, -1)).toThrow(/bad sizes/);
  });

  maybe('hugePages advises the whole 2 MB pages of an array (and of the range after it) where Linux has THP', () => {
    const thp = process.platform === 'linux' && fs.existsSync('/sys/kernel/mm/transparent_hugepage/enabled');
    expect(native!.hugePages(new Float32Array(1 << 21))).toBe(thp);
    expect(native!.hugePages(new Float32Array(4), 1 << 23)).toBe(thp);
    // No whole huge page inside 16 bytes.
    expect(native!.hugePages(new Float32Array(4))).toBe(false);
  });

  maybe('gaussian gives the float32 steps of the tfjs ops (exp rounded from double), bit for bit', () => {
    const n = 1031;
    const heap = new Float32Array(6 * n + 8);
    const a = 1, b = a + n, c = b + n, y = c + n, y2 = y + n;
    fill(heap, a, n, 31, 3);
    fill(heap, b, n, 32, 12);
    fill(heap, c, n, 33, 2);
    const f = Math.fround;
    const ex = (v: number) => f(Math.exp(v));
    const want: Array<(i: number) => number[]> = [
      (i) => [f(0.5 * f(f(f(heap[a + i] * heap[a + i]) + ex(heap[b + i])) - f(1 + heap[b + i])))],
      (i) => [f(heap[c + i] * heap[a + i]), f(heap[c + i] * f(0.5 * f(ex(heap[b + i]) - 1)))],
      (i) => [f(heap[a + i] + f(ex(f(heap[b + i] * 0.5)) * heap[c + i]))],
      (i) => [f(f(f(heap[a + i] * heap[c + i]) * ex(f(heap[b + i] * 0.5))) * 0.5)],
    ];
    for (const op of [0, 1, 2, 3] as const) {
      native!.gaussian(heap, op, n, a, b, c, y, y2);
      for (let i = 0; i < n; i++) {
        const w = want[op](i);
        expect(heap[y + i]).toBe(w[0]);
        if (op === 1) expect(heap[y2 + i]).toBe(w[1]);
      }
    }
    const h = new Float32Array(100);
    expect(() => native!.gaussian(h, 0, 10, 0, 95, 0, 50, 0)).toThrow(/out of bounds/);
    // op 1 alone writes y2; the others ignore it (and c for op 0).
    expect(() => native!.gaussian(h, 1, 10, 0, 10, 20, 30, 95)).toThrow(/out of bounds/);
    expect(() => native!.gaussian(h, 0, 10, 0, 10, 99, 30, 95)).not.toThrow();
    expect(() => native!.gaussian(h, 4, 10, 0, 10, 20, 30, 40)).toThrow(/op must be/);
    expect(() => native!.add(h, 10, 0, 95, 50, false)).toThrow(/out of bounds/);
    expect(() => native!.add(h, 10, 0, 99, 50, true)).not.toThrow();
  });

  maybe('sumSquares is the sum of squares in double', () => {
    for (const n of [0, 1, 7, 8, 9, 1003, 70001]) {
      const heap = new Float32Array(n + 3);
      fill(heap, 2, n, 21, 3);
      let want = 0;
      for (let i = 0; i < n; i++) want += heap[2 + i] * heap[2 + i];
      expect(native!.sumSquares(heap, n, 2)).toBeCloseTo(want, 6);
    }
    expect(() => native!.sumSquares(new Float32Array(10), 9, 2)).toThrow(/out of bounds/);
  });
});
