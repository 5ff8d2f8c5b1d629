/**
 * Add on wasm with @vaekit/native (elementwiseBinary.ts): the gradients the tape sums and a loss's
 * terms in one AVX2 pass split across the kernel threads; other cases go to wasm's own kernel.
 */
import { commutativeOnNative } from './elementwiseBinary';
import { VaekitKernel } from './util';

export const addKernel: VaekitKernel = { kernelName: 'Add', wasmNative: (native, fallback) => commutativeOnNative(native, 'add', fallback) };
