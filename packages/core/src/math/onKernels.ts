import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether the current backend has the kernel `name` and the tensors suit an elementwise kernel:
 * float32, all of one shape (the tfjs ops a fused kernel replaces also broadcast).
 */
export function onKernels(name: string, ...ts: tf.Tensor[]): boolean {
  if (!tf.getKernel(name, tf.getBackend())) return false;
  const shape = ts[0].shape;
  return ts.every((t) => t.dtype === 'float32' && t.rank === shape.length && t.shape.every((d, i) => d === shape[i]));
}
