/**
 * tfjs-core's own gradient configs, registered by @vaekit/core (dist/tfjs-core-gradients.js,
 * generated at build time) with the registry of the one @tensorflow/tfjs-core in use.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src';

const TFC_DIST = path.join(path.dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist');
const GENERATED = path.join(__dirname, '..', 'dist', 'tfjs-core-gradients.js');
const SCRIPT = path.join(__dirname, '..', 'scripts', 'build-tfjs-core-gradients.js');

/** Runs node with a preload that removes public exports from the (one, cached) tfjs-core module. */
function withoutExports(remove: string, args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-grad-'));
  const preload = path.join(dir, 'remove.js');
  fs.writeFileSync(preload, `const tfc = require(${JSON.stringify(require.resolve('@tensorflow/tfjs-core'))});\n${remove}\n`);
  const r = spawnSync(process.execPath, ['-r', preload, ...args], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
  return { dir, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function close(got: number[], want: number[], digits = 5) {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i], digits));
}

describe('the registered gradients', () => {
  it('cover every gradient module of tfjs-core (dist/gradients/*_grad.js)', () => {
    const files = fs.readdirSync(path.join(TFC_DIST, 'gradients')).filter((f) => f.endsWith('_grad.js'));
    expect(files.length).toBeGreaterThan(90);
    const missing: string[] = [];
    for (const f of files) {
      // Each module exports the config of the kernel whose name constant it is named after
      // (kernelName: Abs in Abs_grad.js).
      const constant = f.slice(0, -'_grad.js'.length);
      const source = fs.readFileSync(path.join(TFC_DIST, 'gradients', f), 'utf8');
      expect(`${f}: ${/kernelName:\s*(\w+)/.exec(source)?.[1]}`).toBe(`${f}: ${constant}`);
      const kernelName = (tf as unknown as Record<string, unknown>)[constant];
      expect(typeof kernelName).toBe('string');
      if (!tf.getGradient(kernelName as string)) missing.push(kernelName as string);
    }
    expect(missing).toEqual([]);
  });

  it('come from the generated module, which keeps tfjs-core\'s licence and requires only the public tfjs-core', () => {
    const text = fs.readFileSync(GENERATED, 'utf8');
    expect(text.startsWith('/**\n * @license\n')).toBe(true);
    expect(text).toContain('Licensed under the Apache License, Version 2.0');
    expect(text).toContain('scripts/build-tfjs-core-gradients.js');
    const requires = [...text.matchAll(/\brequire\((['"])([^'"]+)\1\)/g)].map((m) => m[2]);
    expect([...new Set(requires)]).toEqual(['@tensorflow/tfjs-core']);
    expect(text).not.toMatch(/class Engine\b|sourceMappingURL/);
  });

  it('mul, with broadcasting: d/da Σ a·b = b, d/db Σ a·b = Σ over the broadcast rows of a', () => {
    const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const b = tf.tensor1d([0.5, -1, 2]);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(x, y)))([a, b]);
    close(Array.from(da.dataSync()), [0.5, -1, 2, 0.5, -1, 2]);
    close(Array.from(db.dataSync()), [5, 7, 9]);
    expect(db.shape).toEqual([3]);
  });

  it('sum with broadcasting: d/db Σ (a + b) counts the rows b is added to', () => {
    const a = tf.zeros([4, 3]);
    const b = tf.tensor2d([[1, 2, 3]]);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.add(x, y), 1))([a, b]);
    close(Array.from(da.dataSync()), new Array(12).fill(1));
    expect(db.shape).toEqual([1, 3]);
    close(Array.from(db.dataSync()), [4, 4, 4]);
  });

  it('matMul: d/dA Σ A·B = 1·Bᵀ, d/dB Σ A·B = Aᵀ·1', () => {
    const A = tf.tensor2d([[1, 2], [3, 4], [5, 6]]); // 3×2
    const B = tf.tensor2d([[1, -1, 2, 0], [0.5, 3, -2, 1]]); // 2×4
    const [dA, dB] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D)))([A, B]);
    const rowSumsB = [1 - 1 + 2 + 0, 0.5 + 3 - 2 + 1];
    close(Array.from(dA.dataSync()), [rowSumsB, rowSumsB, rowSumsB].flat());
    const colSumsA = [1 + 3 + 5, 2 + 4 + 6];
    close(Array.from(dB.dataSync()), [0, 0, 0, 0].map(() => colSumsA[0]).concat([0, 0, 0, 0].map(() => colSumsA[1])));
  });

  it('conv2d: the gradients of Σ conv2d(x, w) are window sums of x and of w', () => {
    const [H, W, C, K, O] = [4, 5, 2, 3, 2];
    const xs = Array.from({ length: H * W * C }, (_, i) => Math.sin(i + 1));
    const ws = Array.from({ length: K * K * C * O }, (_, i) => Math.cos(i * 0.7));
    const x = tf.tensor4d(xs, [1, H, W, C]);
    const w = tf.tensor4d(ws, [K, K, C, O]);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid')))([x, w]);
    const [OH, OW] = [H - K + 1, W - K + 1];
    const xAt = (r: number, c: number, ch: number) => xs[(r * W + c) * C + ch];
    const wAt = (i: number, j: number, ch: number, o: number) => ws[((i * K + j) * C + ch) * O + o];
    const wantDw: number[] = [];
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) for (let ch = 0; ch < C; ch++) for (let o = 0; o < O; o++) {
      let s = 0;
      for (let p = 0; p < OH; p++) for (let q = 0; q < OW; q++) s += xAt(p + i, q + j, ch);
      wantDw.push(s);
    }
    const wantDx: number[] = [];
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let ch = 0; ch < C; ch++) {
      let s = 0;
      for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
        const [p, q] = [r - i, c - j];
        if (p >= 0 && p < OH && q >= 0 && q < OW) for (let o = 0; o < O; o++) s += wAt(i, j, ch, o);
      }
      wantDx.push(s);
    }
    close(Array.from(dw.dataSync()), wantDw, 4);
    close(Array.from(dx.dataSync()), wantDx, 4);
  });

  it('softplus, sigmoid and logSumExp: σ(x), σ(x)(1 − σ(x)) and softmax(x)', () => {
    const v = [-3, -0.5, 0, 0.7, 2.5];
    const sig = v.map((t) => 1 / (1 + Math.exp(-t)));
    close(Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.softplus(x)))(tf.tensor1d(v)).dataSync()), sig);
    close(Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.sigmoid(x)))(tf.tensor1d(v)).dataSync()), sig.map((s) => s * (1 - s)));
    const z = v.reduce((s, t) => s + Math.exp(t), 0);
    close(Array.from(tf.grad((x: tf.Tensor) => tf.logSumExp(x))(tf.tensor1d(v)).dataSync()), v.map((t) => Math.exp(t) / z));
  });

  it('an internal op the gradients use (maxPoolGrad of MaxPool) runs on the application\'s engine', () => {
    const x = tf.tensor4d([1, 5, 2, 0, 3, 4, 8, 1, 0, 2, 6, 7, 9, 1, 3, 2], [1, 4, 4, 1]);
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))(x);
    close(Array.from(dx.dataSync()), [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
  });
});

describe('the build of the gradient module', () => {
  it('fails, naming each module and name, when an import has no public tfjs-core export, and writes nothing', () => {
    const out = path.join(os.tmpdir(), `vaekit-grad-${process.pid}-broken.js`);
    const r = withoutExports('delete tfc.mul; delete tfc.backend_util.getAxesPermutation;', [SCRIPT, out]);
    fs.rmSync(r.dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("gradients/Multiply_grad.js: 'mul' from 'ops/mul' has no public tfjs-core export at tfc.mul");
    expect(r.stderr).toContain("gradients/Cumsum_grad.js: 'getAxesPermutation' from 'ops/axis_util' has no public tfjs-core export at tfc.backend_util.getAxesPermutation");
    expect(fs.existsSync(out)).toBe(false);
  });

  it('lists what it bundled and what it mapped', () => {
    const out = path.join(os.tmpdir(), `vaekit-grad-${process.pid}-ok.js`);
    const r = spawnSync(process.execPath, [SCRIPT, out], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(GENERATED, 'utf8'));
    fs.rmSync(out, { force: true });
    expect(r.stdout).toMatch(/101 gradient modules of @tensorflow\/tfjs-core 4\.22\.0/);
    expect(r.stdout).toContain('engine: ENGINE → tfc.engine()');
    expect(r.stdout).toContain('ops/mul: tfc.{mul}');
    expect(r.stdout).toMatch(/bundled: .*ops\/max_pool_grad/);
  });

  it('the generated module refuses to load on a tfjs-core that lacks a name it maps', () => {
    const r = withoutExports('delete tfc.mul;', ['-e', `require(${JSON.stringify(GENERATED)})`]);
    fs.rmSync(r.dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/@tensorflow\/tfjs-core 4\.22\.0 lacks exports that its gradients \(built from 4\.22\.0\) need: ops\/mul\.mul/);
  });
});
