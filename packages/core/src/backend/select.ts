import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../plugins/types';
import { installWasmKernels, loadNative, registerGenericKernels, wasmKernelsInstalled } from '../kernels';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Hooks run once after a backend is chosen, e.g. to register fast kernels for it. */
const onSelected: Array<(name: string) => void | Promise<void>> = [];
export function onBackendSelected(hook: (name: string) => void | Promise<void>): void {
  onSelected.push(hook);
}

// vaekit's kernels for the chosen backend (kernels/index.ts); for wasm, the native ones when
// @vaekit/native loads (built at install, AVX2+FMA CPU, VAEKIT_NATIVE not 0), otherwise the
// plain wasm kernels.
onBackendSelected((name) => {
  registerGenericKernels(name);
  if (name === 'wasm' && wasmKernelsInstalled() === 'none') installWasmKernels(loadNative().kernels);
});

/**
 * The backend name with the kernels in use: "wasm+native" when the native SGEMM kernels are
 * registered for wasm and wasm is the current backend, else tf.getBackend().
 */
export function backendLabel(): string {
  const name = tf.getBackend();
  return name === 'wasm' && wasmKernelsInstalled() === 'native' ? 'wasm+native' : name;
}

/** Why the native kernels are not in use ('' when they are or were never tried). */
export function nativeUnavailableReason(): string {
  return wasmKernelsInstalled() === 'none' ? '' : loadNative().reason;
}

function tryRequire(id: string): boolean {
  try {
    require(id);
    return true;
  } catch {
    return false;
  }
}

async function activate(name: string): Promise<boolean> {
  if (name === 'tensorflow' && !tryRequire('@tensorflow/tfjs-node')) return false;
  if (name === 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(dist + path.sep);
  }
  if (name === 'cpu') require('@tensorflow/tfjs-backend-cpu');
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * Chooses the tfjs backend. `auto` prefers native TensorFlow (@tensorflow/tfjs-node, when it is
 * installed and loads), then WebAssembly, then plain JavaScript. Returns the backend's name.
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<string> {
  const order = choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  for (const name of order) {
    if (tf.getBackend() === name || (await activate(name))) {
      await tf.ready();
      for (const hook of onSelected) await hook(name);
      return name;
    }
  }
  const hint =
    choice === 'tensorflow'
      ? ' (@tensorflow/tfjs-node is not installed or does not load here; use backend: auto, wasm or cpu)'
      : '';
  throw new ConfigError(`train.backend: backend "${choice}" is not available${hint}`, 'train.backend');
}
