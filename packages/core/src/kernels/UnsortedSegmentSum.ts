/**
 * UnsortedSegmentSum (the gradient of gather, so of embeddings) on wasm, which lacks it: a
 * ScatterNd of the rows at their segment ids, which sums rows that share an id, through wasm's
 * own kernels. Registered only when tfjs-backend-wasm has none.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, VaekitKernel, WasmBackendLike, release, runBackendKernel } from './util';

function wasm(fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  if (fallback) return fallback;
  return (args) => {
    const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const numSegments = Number((args.attrs as { numSegments: number }).numSegments);
    if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
      throw new Error(`UnsortedSegmentSum (vaekit, wasm): segmentIds must be 1-D with one id per row of x, got [${segmentIds.shape}] for x [${x.shape}]`);
    }
    const indices = runBackendKernel('wasm', args.backend, 'Reshape', { x: segmentIds }, { shape: [segmentIds.shape[0], 1] });
    const out = runBackendKernel('wasm', args.backend, 'ScatterNd', { indices, updates: x }, { shape: [numSegments, ...x.shape.slice(1)] });
    release(args.backend, indices);
    return out;
  };
}

export const unsortedSegmentSumKernel: VaekitKernel = { kernelName: 'UnsortedSegmentSum', wasm };
