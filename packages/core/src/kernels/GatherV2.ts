/**
 * GatherV2 on wasm (with or without @vaekit/native) for the embedding lookup: rows of a float32
 * table [V, E] at int32 indices [n] along axis 0 are copied with one copyWithin each on the wasm
 * heap (tfjs-backend-wasm's kernel took ~100x longer on a [10003, 128] table). Every other case,
 * and any index outside [0, V), goes to wasm's own kernel, which reports it.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { KernelFn, VaekitKernel, WasmBackendLike, offsetOf } from './util';

function wasm(fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { x, indices } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = (args.attrs ?? {}) as { axis?: number; batchDims?: number };
    const axis = attrs.axis ?? 0;
    if (x.dtype !== 'float32' || indices.dtype !== 'int32' || x.shape.length !== 2 || indices.shape.length !== 1 || axis !== 0 || (attrs.batchDims ?? 0) !== 0) {
      return fallback!(args);
    }
    const [V, E] = x.shape;
    const n = indices.shape[0];
    const heap = args.backend.wasm.HEAPF32;
    const idx = new Int32Array(heap.buffer, offsetOf(args.backend, indices) * 4, n);
    for (let r = 0; r < n; r++) if (!(idx[r] >= 0 && idx[r] < V)) return fallback!(args);
    const out = args.backend.makeOutput([n, E], 'float32');
    // The heap may have grown (and moved) while allocating the output.
    const h = args.backend.wasm.HEAPF32;
    const ids = new Int32Array(h.buffer, offsetOf(args.backend, indices) * 4, n);
    const src = offsetOf(args.backend, x);
    const dst = offsetOf(args.backend, out);
    for (let r = 0; r < n; r++) {
      const s = src + ids[r] * E;
      h.copyWithin(dst + r * E, s, s + E);
    }
    return out;
  };
}

export const gatherV2Kernel: VaekitKernel = { kernelName: 'GatherV2', wasm };
