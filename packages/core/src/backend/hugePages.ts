/**
 * Transparent huge pages for the wasm heap. Every tensor of the wasm backend lives in one linear
 * memory; with 4 KB pages a training step's working set (weights, Adam's moments, activations:
 * tens of MB) spans thousands of pages, and on virtual machines each TLB miss walks two levels of
 * page tables. Backing the heap with 2 MB pages raised the MLP benchmark's throughput on a 2-core
 * VM by about 6% on one thread and 6–10% on two (back-to-back runs), and what a second thread adds
 * to a dense layer's backward pass with its operands out of cache from 1.14–1.32× to 1.57–1.65×
 * (docs/performance.md). Linux only, and only where THP is enabled ("always" or "madvise" in
 * /sys/kernel/mm/transparent_hugepage/enabled); VAEKIT_HUGEPAGES=0 turns it off.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadNative } from '../kernels';

/** A wasm32 memory's largest size: the whole range it can grow into is advised at once. */
const WASM_MEMORY_MAX = 2 ** 32;

let advised: object | null = null;

/** Asks for huge pages over the wasm backend's heap (once per backend); whether the kernel agreed. */
export function adviseHugePages(): boolean {
  if (['0', 'false', 'off'].includes(process.env.VAEKIT_HUGEPAGES ?? '')) return false;
  const native = loadNative().kernels;
  const backend = tf.findBackend('wasm') as unknown as { wasm?: { HEAPF32?: Float32Array } } | null;
  const heap = backend?.wasm?.HEAPF32;
  if (!native || typeof native.hugePages !== 'function' || !heap || advised === backend) return false;
  advised = backend;
  return native.hugePages(heap, WASM_MEMORY_MAX);
}
