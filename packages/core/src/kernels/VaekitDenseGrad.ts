/**
 * VaekitDenseGrad (see names.ts): a dense layer's whole backward pass, dw = xᵀ·dy, db = Σ_rows dy
 * and dx = dy·wᵀ, as one kernel.
 *  - Any backend: the three kernels it stands for (VaekitDenseFilterGrad, VaekitBiasGrad,
 *    VaekitDenseInputGrad), as that backend registers them.
 *  - wasm with @vaekit/native: one native call (native.denseGrad). The two products are
 *    independent and run side by side, each on its share of the threads: a larger share of the
 *    work per thread than splitting each product in turn, and two kernel launches fewer.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { DenseGradAttrs, VaekitBiasGrad, VaekitDenseFilterGrad, VaekitDenseGrad, VaekitDenseInputGrad } from './names';
import { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike, kernelRunner, offsetOf } from './util';

function generic(backendName: string): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { x, w, dy } = inputs as { x: tf.TensorInfo; w: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as DenseGradAttrs;
    const run = kernelRunner(backendName, backend);
    const out = [run(VaekitDenseFilterGrad, { x, dy })];
    if (a.biasGrad) out.push(run(VaekitBiasGrad, { dy }));
    if (a.inputGrad) out.push(run(VaekitDenseInputGrad, { dy, w }));
    return out;
  };
}

function wasmNative(native: NativeKernels): KernelFn<WasmBackendLike> {
  const composed = generic('wasm') as KernelFn<WasmBackendLike>;
  // An addon built before denseGrad existed: the three kernels.
  if (typeof native.denseGrad !== 'function') return composed;
  return (args) => {
    const { x, w, dy } = args.inputs as { x: tf.TensorInfo; w: tf.TensorInfo; dy: tf.TensorInfo };
    const a = args.attrs as unknown as DenseGradAttrs;
    const plain = [x, w, dy].every((t) => t.dtype === 'float32' && t.shape.length === 2);
    const [M, K] = x.shape;
    const N = w.shape[1];
    if (!plain || w.shape[0] !== K || dy.shape[0] !== M || dy.shape[1] !== N || M * N * K === 0) return composed(args);
    const { backend } = args;
    const dw = backend.makeOutput([K, N], 'float32');
    const db = a.biasGrad ? backend.makeOutput([N], 'float32') : null;
    const dx = a.inputGrad ? backend.makeOutput([M, K], 'float32') : null;
    // Offsets after every allocation (one may grow the heap).
    native.denseGrad(
      backend.wasm.HEAPF32, M, N, K, offsetOf(backend, x), offsetOf(backend, w), offsetOf(backend, dy),
      dx ? offsetOf(backend, dx) : -1, offsetOf(backend, dw), db ? offsetOf(backend, db) : -1,
    );
    return [dw, ...(db ? [db] : []), ...(dx ? [dx] : [])];
  };
}

export const denseGradKernel: VaekitKernel = { kernelName: VaekitDenseGrad, generic, wasmNative };
