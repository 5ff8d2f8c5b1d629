/**
 * vaekit's kernels in tfjs' kernel registry, registered per backend by name (one file per
 * kernel, see util.ts's VaekitKernel):
 *  - on import, the generic implementations of vaekit's own kernels (names.ts) for the backends
 *    vaekit selects (cpu, wasm, tensorflow), so nn's ops run on any of them; selectBackend
 *    (backend/select.ts) registers them for any other backend it activates;
 *  - when wasm is selected, installWasmKernels: with @vaekit/native, the native BatchMatMul,
 *    _FusedMatMul, Conv2D, FusedConv2D, Softplus, Relu, Multiply, Add, Sum, VaekitAdam, VaekitSumSquares, VaekitReluGrad, VaekitBernoulliNll(Grad), VaekitGruForward/Backward, VaekitConv2DInputGrad and the native forms of
 *    vaekit's kernels; on either path the Gaussian KL and reparameterization kernels, a zero-copy Identity (and Transpose where the order of the values does not
 *    change), UnsortedSegmentSum (which wasm lacks), a OneHot that honours its dtype (wasm's writes int32 always) and a GatherV2 of
 *    table rows (embeddings) and a Slice by copies on the heap. Every case a native kernel does not handle goes to the kernel it replaced.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamKernel } from './VaekitAdam';
import { batchMatMulKernel } from './BatchMatMul';
import { fusedMatMulKernel } from './FusedMatMul';
import { conv2DKernel } from './Conv2D';
import { fusedConv2DKernel } from './FusedConv2D';
import { softplusKernel } from './Softplus';
import { sumKernel } from './Sum';
import { identityKernel } from './Identity';
import { transposeKernel } from './Transpose';
import { unsortedSegmentSumKernel } from './UnsortedSegmentSum';
import { oneHotKernel } from './OneHot';
import { reluKernel } from './Relu';
import { multiplyKernel } from './Multiply';
import { addKernel } from './Add';
import { gatherV2Kernel } from './GatherV2';
import { sliceKernel } from './Slice';
import { softmaxXentGradKernel, softmaxXentKernel } from './VaekitSoftmaxXent';
import { conv2dFilterGradKernel } from './VaekitConv2DFilterGrad';
import { conv2dInputGradKernel } from './VaekitConv2DInputGrad';
import { denseKernel } from './VaekitDense';
import { denseInputGradKernel } from './VaekitDenseInputGrad';
import { denseFilterGradKernel } from './VaekitDenseFilterGrad';
import { denseGradKernel } from './VaekitDenseGrad';
import { biasGradKernel } from './VaekitBiasGrad';
import { sumSquaresKernel } from './VaekitSumSquares';
import { reluGradKernel } from './VaekitReluGrad';
import { bernoulliNllGradKernel, bernoulliNllKernel } from './VaekitBernoulliNll';
import { gruBackwardKernel, gruForwardKernel } from './VaekitGru';
import { gaussianKlGradKernel, gaussianKlKernel, reparameterizeGradKernel, reparameterizeKernel } from './VaekitGaussian';
import type { KernelFn, NativeKernels, VaekitKernel, WasmBackendLike } from './util';

export * from './names';
export { loadNative } from './native';
export type { NativeKernels } from './util';

/** Name of the fused Adam kernel (the same as VaekitAdam). */
export { VaekitAdam as ADAM_KERNEL } from './names';

const KERNELS: VaekitKernel[] = [
  conv2dFilterGradKernel,
  conv2dInputGradKernel,
  denseKernel,
  denseInputGradKernel,
  denseFilterGradKernel,
  denseGradKernel,
  biasGradKernel,
  sumSquaresKernel,
  reluGradKernel,
  bernoulliNllKernel,
  bernoulliNllGradKernel,
  gruForwardKernel,
  gruBackwardKernel,
  gaussianKlKernel,
  gaussianKlGradKernel,
  reparameterizeKernel,
  reparameterizeGradKernel,
  adamKernel,
  batchMatMulKernel,
  fusedMatMulKernel,
  conv2DKernel,
  fusedConv2DKernel,
  softplusKernel,
  sumKernel,
  identityKernel,
  transposeKernel,
  unsortedSegmentSumKernel,
  oneHotKernel,
  reluKernel,
  multiplyKernel,
  addKernel,
  gatherV2Kernel,
  sliceKernel,
  softmaxXentKernel,
  softmaxXentGradKernel,
];

const genericFor = new Set<string>();

/** Registers the generic implementations of vaekit's kernels for a backend (idempotent). */
export function registerGenericKernels(backendName: string): void {
  if (genericFor.has(backendName)) return;
  genericFor.add(backendName);
  for (const k of KERNELS) {
    if (k.generic && !tf.getKernel(k.kernelName, backendName)) {
      tf.registerKernel({ kernelName: k.kernelName, backendName, kernelFunc: k.generic(backendName) as unknown as tf.KernelFunc });
    }
  }
}

for (const name of ['cpu', 'wasm', 'tensorflow']) registerGenericKernels(name);

/** What each kernel name was for wasm before installWasmKernels first ran (undefined: nothing). */
let wasmBase: Map<string, tf.KernelConfig | undefined> | undefined;
let installed: 'none' | 'js' | 'native' = 'none';

function setWasmKernel(name: string, base: tf.KernelConfig | undefined, kernelFunc: KernelFn<WasmBackendLike> | undefined): void {
  if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  const func = (kernelFunc ?? base?.kernelFunc) as tf.KernelFunc | undefined;
  if (!func) return;
  // The replaced kernel's setup (wasm function bindings, used by the fallback) runs if the backend
  // is initialised later.
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: func, setupFunc: base?.setupFunc, disposeFunc: base?.disposeFunc });
}

/**
 * Registers the vaekit kernels for the wasm backend: with `native` (the @vaekit/native kernels)
 * the native ones; with null only the zero-copy Identity and Transpose, UnsortedSegmentSum and the other heap kernels, every other
 * kernel being wasm's own (or vaekit's generic one). Idempotent; may be called again to switch
 * (tests do).
 */
export function installWasmKernels(native: NativeKernels | null): void {
  if (!wasmBase) {
    wasmBase = new Map();
    for (const k of KERNELS) {
      const current = tf.getKernel(k.kernelName, 'wasm');
      wasmBase.set(k.kernelName, current ? ({ ...current } as tf.KernelConfig) : undefined);
    }
  }
  for (const k of KERNELS) {
    const base = wasmBase.get(k.kernelName);
    const fallback = base?.kernelFunc as unknown as KernelFn<WasmBackendLike> | undefined;
    let func: KernelFn<WasmBackendLike> | undefined;
    if (native && k.wasmNative) func = k.wasmNative(native, fallback);
    else if (k.wasm) func = k.wasm(fallback);
    setWasmKernel(k.kernelName, base, func);
  }
  installed = native ? 'native' : 'js';
}

/** Which vaekit kernels are registered for wasm: 'none', 'js' (without the addon) or 'native'. */
export function wasmKernelsInstalled(): 'none' | 'js' | 'native' {
  return installed;
}
