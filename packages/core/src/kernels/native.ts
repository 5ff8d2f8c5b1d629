/** Loading @vaekit/native, the C++ kernels behind the wasm backend's native path. */
import type { NativeKernels } from './util';

let nativeLoad: { kernels: NativeKernels | null; reason: string } | undefined;

/**
 * The @vaekit/native kernels, or null with the reason (not installed or built, CPU without
 * AVX2/FMA, or VAEKIT_NATIVE=0).
 */
export function loadNative(): { kernels: NativeKernels | null; reason: string } {
  if (nativeLoad) return nativeLoad;
  const off = process.env.VAEKIT_NATIVE;
  if (off === '0' || off === 'false' || off === 'off') {
    nativeLoad = { kernels: null, reason: `disabled by VAEKIT_NATIVE=${off}` };
    return nativeLoad;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require('@vaekit/native') as { load(): NativeKernels | null; unavailableReason(): string };
    const kernels = mod.load();
    nativeLoad = { kernels, reason: kernels ? '' : mod.unavailableReason() };
  } catch (e) {
    nativeLoad = { kernels: null, reason: `@vaekit/native is not installed (${(e as Error).message.split('\n')[0]})` };
  }
  return nativeLoad;
}
