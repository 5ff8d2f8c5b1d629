import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../plugins/types';
import { installWasmKernels, loadNative, registerGenericKernels, wasmKernelsInstalled } from '../kernels';
import { applyKernelThreads } from './threads';
import { adviseHugePages } from './hugePages';
import { registerVaekitGradients } from '../gradients';

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
  registerVaekitGradients();
  if (name === 'wasm' && wasmKernelsInstalled() === 'none') {
    installWasmKernels(loadNative().kernels);
    announceNativeKernels();
  }
  if (name === 'wasm') adviseHugePages();
  applyKernelThreads();
});

const nativeTurnedOff = () => ['0', 'false', 'off'].includes(process.env.VAEKIT_NATIVE ?? '');

/**
 * One line saying that the native kernels are not in use, why, and what to run to get them; ''
 * when they are in use or VAEKIT_NATIVE=0 turned them off (a choice, not a fault). Printed once
 * when the wasm backend is chosen (the only one they serve).
 */
export function nativeKernelsNotice(): string {
  if (nativeTurnedOff()) return '';
  const { kernels, reason } = loadNative();
  if (kernels) return '';
  const slower = 'vaekit runs on the plain WebAssembly kernels, 2 to 3 times slower';
  const silence = 'set VAEKIT_NATIVE=0 to choose them without this notice';
  if (/AVX2/.test(reason)) return `vaekit: native kernels unavailable: ${reason}; ${slower} (${silence})`;
  const allow = 'a project of your own must allow its install script: "allowScripts": { "@vaekit/native": true } in package.json';
  const fix = reason.startsWith('@vaekit/native is not installed')
    ? `Install them with \`npm install @vaekit/native\` (${allow})`
    : `Build them with \`npm rebuild @vaekit/native\` (it needs python3, make and a C++ compiler; ${allow})`;
  const why = reason.startsWith('@vaekit/native') ? reason : `@vaekit/native was ${reason}`;
  return `vaekit: native kernels unavailable: ${why}; ${slower}. ${fix}, or ${silence}`;
}

let announced = false;

/** Prints nativeKernelsNotice() on stderr, once per process. */
export function announceNativeKernels(stream: NodeJS.WritableStream = process.stderr): void {
  if (announced) return;
  const line = nativeKernelsNotice();
  if (!line) return;
  announced = true;
  stream.write(line + '\n');
}

/**
 * True when `choice` will most likely run on wasm: `wasm`, or `auto` without an installed
 * @tensorflow/tfjs-node (looked up, not loaded). For telling, before worker processes choose
 * their backend, whether the native kernels matter.
 */
export function wasmExpected(choice: BackendChoice): boolean {
  if (choice === 'wasm') return true;
  if (choice !== 'auto') return false;
  try {
    require.resolve('@tensorflow/tfjs-node');
    return false;
  } catch {
    return true;
  }
}

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
