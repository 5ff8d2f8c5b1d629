/** Types and helpers shared by the kernel files. */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeKernels } from '@vaekit/native';

export type { NativeKernels };

/** What every backend offers a kernel: the refcounted data of the TensorInfos it hands out. */
export interface BackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The parts of tfjs-backend-wasm's BackendWasm the wasm kernels use. */
export interface WasmBackendLike extends BackendLike {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  incRef(dataId: object): void;
  wasm: { HEAPF32: Float32Array };
}

export interface KernelArgs<B = BackendLike> {
  inputs: tf.NamedTensorInfoMap;
  backend: B;
  attrs?: tf.NamedAttrMap;
}
export type KernelFn<B = BackendLike> = (args: KernelArgs<B>) => tf.TensorInfo | tf.TensorInfo[];

/**
 * A kernel as vaekit registers it: per backend, by name. Each implementation is optional:
 *  - `generic(backendName)`: for any backend, composed of that backend's own registered kernels;
 *  - `wasm(fallback)`: for wasm, with or without @vaekit/native;
 *  - `wasmNative(native, fallback)`: for wasm when @vaekit/native loads.
 * `fallback` is the kernel this one replaces on wasm (tfjs-backend-wasm's own, or `generic`'s),
 * which the implementation calls for the cases it does not handle.
 */
export interface VaekitKernel {
  kernelName: string;
  generic?: (backendName: string) => KernelFn;
  wasm?: (fallback: KernelFn<WasmBackendLike> | undefined) => KernelFn<WasmBackendLike>;
  wasmNative?: (native: NativeKernels, fallback: KernelFn<WasmBackendLike> | undefined) => KernelFn<WasmBackendLike>;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The float index of a tensor's data in the wasm heap (float32 data is 4-byte aligned). */
export function offsetOf(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error('vaekit kernels: tensor is not on the wasm backend');
  return d.memoryOffset >>> 2;
}

/**
 * Runs the kernel registered as `kernelName` for `backendName` on TensorInfos (no tape, no
 * tensors): how a kernel composes other kernels of its backend. The caller disposes the
 * intermediate results it does not return (`release`).
 */
export function runBackendKernel(
  backendName: string,
  backend: BackendLike,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, backendName);
  if (!kernel) throw new Error(`vaekit kernels: kernel '${kernelName}' is not registered for backend '${backendName}'`);
  return (kernel.kernelFunc as unknown as KernelFn)({ inputs, backend, attrs }) as tf.TensorInfo;
}

/** runBackendKernel bound to one backend: `run(kernelName, inputs, attrs)` inside a generic kernel. */
export function kernelRunner(backendName: string, backend: BackendLike) {
  return (kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo =>
    runBackendKernel(backendName, backend, kernelName, inputs, attrs);
}

/** Disposes intermediate results of runBackendKernel. */
export function release(backend: BackendLike, ...infos: tf.TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}
