import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../src';

// UnsortedSegmentSum, the gradient of gather (embeddings), is registered for wasm by vaekit.
describe('UnsortedSegmentSum on wasm', () => {
  const cases: Array<[string, number[], number[], number]> = [
    ['rows with repeated ids', [6, 3], [0, 2, 0, 1, 2, 2], 4],
    ['a single row', [1, 5], [3], 5],
    ['odd sizes, rank 3', [7, 3, 5], [4, 0, 4, 4, 1, 6, 0], 7],
  ];

  it.each(cases)('%s matches the cpu backend, values and the gradient of gather', async (_n, shape, ids, numSegments) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 1.7) * 3);
    const run = () => {
      const x = tf.tensor(data, shape);
      const seg = tf.tensor1d(ids, 'int32');
      const sum = tf.unsortedSegmentSum(x, seg, numSegments);
      // gather's gradient is an UnsortedSegmentSum of the upstream gradient.
      const row = size / shape[0];
      const table = tf.tensor(Float32Array.from({ length: numSegments * row }, (_, i) => Math.cos(i)), [numSegments, ...shape.slice(1)]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, seg), x)))(table);
      return [Array.from(sum.dataSync()), Array.from(g.dataSync()), sum.shape];
    };
    await selectBackend('cpu');
    const want = run();
    await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const got = run();
    expect(got[2]).toEqual(want[2]);
    (got[0] as number[]).forEach((v, i) => expect(v).toBeCloseTo((want[0] as number[])[i], 4));
    (got[1] as number[]).forEach((v, i) => expect(v).toBeCloseTo((want[1] as number[])[i], 4));
  });
});
