/**
 * Multiply on wasm with @vaekit/native (elementwiseBinary.ts): float32 tensors of one shape, or a
 * tensor and a one-element tensor, in one AVX2 pass split across the kernel threads (wasm's kernel
 * took ~0.8 ms for [128, 784], a tenth of an MLP training step); other cases go to wasm's own
 * kernel.
 */
import { commutativeOnNative } from './elementwiseBinary';
import { VaekitKernel } from './util';

export const multiplyKernel: VaekitKernel = { kernelName: 'Multiply', wasmNative: (native, fallback) => commutativeOnNative(native, 'mul', fallback) };
