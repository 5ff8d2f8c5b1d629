import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadNative, ops, selectBackend } from '../src';

/** The cross-entropy and its gradient composed of plain tfjs ops, as the reference. */
function reference(logits: tf.Tensor2D, targets: tf.Tensor1D, w: tf.Tensor1D) {
  const V = logits.shape[1];
  const f = (l: tf.Tensor2D) => tf.mul(tf.neg(tf.sum(tf.mul(tf.logSoftmax(l), tf.cast(tf.oneHot(targets, V), 'float32')), 1)), w);
  const loss = f(logits);
  const grad = tf.grad((l: tf.Tensor2D) => tf.sum(tf.mul(f(l), tf.range(1, logits.shape[0] + 1))))(logits);
  return { loss: Array.from(loss.dataSync()), grad: Array.from(grad.dataSync()) };
}

function ours(logits: tf.Tensor2D, targets: tf.Tensor1D, w: tf.Tensor1D) {
  const loss = ops.softmaxCrossEntropy(logits, targets, w);
  const grad = tf.grad((l: tf.Tensor2D) => tf.sum(tf.mul(ops.softmaxCrossEntropy(l, targets, w), tf.range(1, logits.shape[0] + 1))))(logits);
  return { loss: Array.from(loss.dataSync()), grad: Array.from(grad.dataSync()) };
}

function close(a: number[], b: number[], tol: number) {
  expect(a).toHaveLength(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  expect(worst).toBeLessThan(tol);
}

// V = 37 is not a multiple of 8 (the AVX2 loops' tail), rows with large logits test stability.
const N = 6;
const V = 37;
const values = Array.from({ length: N * V }, (_, i) => 3 * Math.sin(i * 1.7) + (i % V === 5 ? 60 : 0));
const targetIds = [5, 0, 36, 12, 5, 3];
const weightValues = [1, 0, 1, 2, 0.5, 1];

for (const backend of ['cpu', 'wasm'] as const) {
  test(`softmaxCrossEntropy on ${backend} equals the composition of tfjs ops, with its gradient`, async () => {
    await selectBackend(backend);
    const logits = tf.tensor2d(values, [N, V]);
    const targets = tf.tensor1d(targetIds, 'int32');
    const w = tf.tensor1d(weightValues);
    await selectBackend('cpu');
    const ref = reference(tf.tensor2d(values, [N, V]), tf.tensor1d(targetIds, 'int32'), tf.tensor1d(weightValues));
    await selectBackend(backend);
    const got = ours(tf.tensor2d(values, [N, V]), tf.tensor1d(targetIds, 'int32'), tf.tensor1d(weightValues));
    close(got.loss, ref.loss, 1e-5);
    close(got.grad, ref.grad, 1e-6);
    // A row of weight 0 costs nothing and gets no gradient.
    expect(got.loss[1]).toBe(0);
    expect(got.grad.slice(V, 2 * V).every((g) => g === 0)).toBe(true);
    tf.dispose([logits, targets, w]);
  });
}

test('the native kernel is in use on wasm when @vaekit/native loads', async () => {
  await selectBackend('wasm');
  const native = loadNative();
  if (!native.kernels) return; // the generic form was checked above
  expect(tf.getKernel('VaekitSoftmaxXent', 'wasm')).toBeDefined();
});
