import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src';

// tfjs-backend-wasm's OneHot writes int32 whatever dtype is asked: core's kernel must give floats.
test('OneHot on wasm gives the dtype asked for, as on cpu', async () => {
  await selectBackend('wasm');
  expect(tf.getBackend()).toBe('wasm');
  const ids = tf.tensor1d([3, 0, 4, -1], 'int32');
  const f = tf.oneHot(ids, 5, 1, 0, 'float32');
  expect(f.dtype).toBe('float32');
  expect(Array.from(f.dataSync())).toEqual([0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  const scaled = tf.oneHot(ids, 3, 0.5, -2, 'float32');
  expect(Array.from(scaled.dataSync())).toEqual([-2, -2, -2, 0.5, -2, -2, -2, -2, -2, -2, -2, -2]);
  const i = tf.oneHot(ids, 5);
  expect(i.dtype).toBe('int32');
  expect(Array.from(i.dataSync()).slice(0, 5)).toEqual([0, 0, 0, 1, 0]);
  tf.dispose([ids, f, scaled, i]);
});
