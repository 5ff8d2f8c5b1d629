/**
 * Slice on wasm (with or without @vaekit/native) for float32 and int32 tensors: each innermost run
 * is one copyWithin on the heap. wasm's own kernel first copies the whole input out of the heap
 * (readSync) and makes two views per run: ~4 ms for a [128, 16, 512] crop of the conv model, a
 * tenth of its training step. Strings go to wasm's kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { KernelFn, VaekitKernel, WasmBackendLike, offsetOf, sizeOf } from './util';

function wasm(fallback: KernelFn<WasmBackendLike> | undefined): KernelFn<WasmBackendLike> {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return fallback!(args);
    const attrs = (args.attrs ?? {}) as { begin: number | number[]; size?: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin, attrs.size);
    const out = args.backend.makeOutput(size, x.dtype);
    const n = sizeOf(size);
    if (n === 0) return out;
    // Offsets after the allocation, which may grow (and move) the heap; int32 data is 4-byte aligned too.
    const h = args.backend.wasm.HEAPF32;
    const src = offsetOf(args.backend, x);
    let dst = offsetOf(args.backend, out);
    const rank = x.shape.length;
    const strides = tf.util.computeStrides(x.shape);
    const run = rank === 0 ? 1 : size[rank - 1];
    const runs = n / run;
    // Walk the outer index tuples in row-major order.
    const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
    for (let r = 0; r < runs; r++) {
      let s = src + (rank === 0 ? 0 : begin[rank - 1]);
      for (let d = 0; d < rank - 1; d++) s += (begin[d] + idx[d]) * strides[d];
      h.copyWithin(dst, s, s + run);
      dst += run;
      for (let d = rank - 2; d >= 0; d--) {
        if (++idx[d] < size[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  };
}

export const sliceKernel: VaekitKernel = { kernelName: 'Slice', wasm };
