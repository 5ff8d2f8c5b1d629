/**
 * How many threads the native kernels use (train.threads, --threads). The count is a request
 * recorded here and handed to @vaekit/native's pool whenever its kernels are (or get) installed
 * for the wasm backend; on other backends it does nothing (TensorFlow chooses its own threads,
 * the cpu backend has one). Results do not depend on it: the kernels give the same bits on 1 or
 * n threads.
 */
import * as os from 'os';
import { loadNative, wasmKernelsInstalled } from '../kernels';

/** The machine's cores as Node sees them (at least 1). */
export function machineCores(): number {
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, n || 1);
}

/** Threads per process when `workers` processes share the machine: max(1, floor(cores / workers)). */
export function threadsPerWorker(workers: number, cores = machineCores()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}

let fallback: number | undefined;
let requested: number | undefined;

/**
 * The thread count a run uses when its config leaves train.threads unset: every core, unless a
 * caller (a search's worker process) set another default with setDefaultThreads.
 */
export function defaultThreads(): number {
  return fallback ?? machineCores();
}

/** Sets the default of defaultThreads (undefined: back to every core). */
export function setDefaultThreads(n: number | undefined): void {
  fallback = n === undefined ? undefined : Math.max(1, Math.floor(n));
}

/** Asks for `n` kernel threads (an integer >= 1), now and whenever the native kernels are installed. */
export function setKernelThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`threads: expected an integer >= 1, found ${n}`);
  requested = n;
  applyKernelThreads();
}

/** The thread count in use by the native kernels: 1 when they are not in use. */
export function kernelThreads(): number {
  if (wasmKernelsInstalled() !== 'native') return 1;
  const k = loadNative().kernels;
  return k && typeof k.threads === 'function' ? k.threads() : 1;
}

/** Hands the requested count to the native pool when its kernels are installed (called on backend selection too). */
export function applyKernelThreads(): void {
  if (requested === undefined || wasmKernelsInstalled() !== 'native') return;
  const k = loadNative().kernels;
  // An addon built before the pool existed has no setThreads: it runs on one thread.
  if (k && typeof k.setThreads === 'function' && k.threads() !== requested) k.setThreads(requested);
}
