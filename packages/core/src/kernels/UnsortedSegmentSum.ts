/**
 * UnsortedSegmentSum (the gradient of gather, so of embeddings) on wasm, which lacks it. Float32
 * rows with int32 ids in [0, numSegments) are added on the heap, in row order, into a zeroed
 * output (one typed-array loop: the gradient of a [10003, 128] embedding for 736 tokens took
 * ~1 ms through ScatterNd, with a copy of the whole output). Other dtypes, or ids outside the
 * range, go through wasm's ScatterNd, which sums rows that share an id the same way.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, VaekitKernel, WasmBackendLike, offsetOf, release, runBackendKernel, sizeOf } from './util';

function scatterNd(args: { inputs: tf.NamedTensorInfoMap; backend: WasmBackendLike }, x: tf.TensorInfo, segmentIds: tf.TensorInfo, numSegments: number) {
  const indices = runBackendKernel('wasm', args.backend, 'Reshape', { x: segmentIds }, { shape: [segmentIds.shape[0], 1] });
  const out = runBackendKernel('wasm', args.backend, 'ScatterNd', { indices, updates: x }, { shape: [numSegments, ...x.shape.slice(1)] });
  release(args.backend, indices);
  return out;
}

function wasm(fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  if (fallback) return fallback;
  return (args) => {
    const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const numSegments = Number((args.attrs as { numSegments: number }).numSegments);
    if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
      throw new Error(`UnsortedSegmentSum (vaekit, wasm): segmentIds must be 1-D with one id per row of x, got [${segmentIds.shape}] for x [${x.shape}]`);
    }
    const n = x.shape[0];
    const row = sizeOf(x.shape.slice(1));
    if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') return scatterNd(args, x, segmentIds, numSegments);
    const ids = new Int32Array(args.backend.wasm.HEAPF32.buffer, offsetOf(args.backend, segmentIds) * 4, n);
    for (let r = 0; r < n; r++) if (!(ids[r] >= 0 && ids[r] < numSegments)) return scatterNd(args, x, segmentIds, numSegments);
    const out = args.backend.makeOutput([numSegments, ...x.shape.slice(1)], 'float32');
    // The heap may have grown (and moved) while allocating the output.
    const h = args.backend.wasm.HEAPF32;
    const seg = new Int32Array(h.buffer, offsetOf(args.backend, segmentIds) * 4, n);
    const src = offsetOf(args.backend, x);
    const dst = offsetOf(args.backend, out);
    h.fill(0, dst, dst + numSegments * row);
    for (let r = 0; r < n; r++) {
      const o = dst + seg[r] * row;
      const s = src + r * row;
      for (let j = 0; j < row; j++) h[o + j] += h[s + j];
    }
    return out;
  };
}

export const unsortedSegmentSumKernel: VaekitKernel = { kernelName: 'UnsortedSegmentSum', wasm };
