import * as tf from '@tensorflow/tfjs-core';
import {
  backendLabel,
  buildModel,
  applyGradients,
  createOptimizer,
  defaultThreads,
  kernelThreads,
  Rng,
  setKernelThreads,
  selectBackend,
  sequenceBatch,
  sequenceData,
  validateOptions,
  BackendChoice,
  VAE,
} from '@vaekit/core';
import { builtInRegistry } from '../registry';

export interface BenchOptions {
  model: 'mlp' | 'conv' | 'text';
  steps: number;
  backend: BackendChoice;
  /** Untimed steps first (default: as many as `steps`, at least 3). */
  warmup?: number;
  /** Threads of the native kernels (default: every core). */
  threads?: number;
}

/** The benchmark specs: the MLP and conv VAEs of configs/mnist-mlp.yaml and configs/mnist-conv.yaml, also implemented by the PyTorch reference torch_vae.py that bench/throughput.sh compares against. */
const SPECS = {
  mlp: { encoder: { use: 'mlp', hidden: [400] }, decoder: { use: 'mlp', hidden: [400] } },
  conv: {
    encoder: { use: 'conv', filters: [32, 64], kernel: 4, stride: 2 },
    decoder: { use: 'conv', filters: [32, 64], kernel: 4, stride: 2 },
  },
};

/**
 * The text benchmark spec, that of the PyTorch reference torch_seq_vae.py: embedding 128, GRU 256
 * encoder (last state), latent 32, GRU 256 decoder with z → initial state and z beside every
 * input, reading its inputs through the encoder's embedding (one table, as the reference's),
 * categorical likelihood over 10,003 tokens; batches of 32 random sequences of 22 tokens
 * (23 predicted with <eos>), Adam 1e-3, gradient norm clipped at 5.
 */
export const TEXT_SPEC = {
  vocabSize: 10003,
  length: 22,
  batch: 32,
  model: {
    latentDim: 32,
    encoder: { use: 'gru', embedding: 128, hidden: 256 },
    decoder: { use: 'gru', embedding: 128, hidden: 256, zToInputs: true, shareEmbedding: true },
    loss: { use: 'categorical' },
  },
};

/** Training tokens per second of the text spec on random token sequences, timed after a warm-up. */
export async function runTextBench(o: { steps: number; backend: BackendChoice; warmup?: number; threads?: number }) {
  await selectBackend(o.backend);
  setKernelThreads(o.threads ?? defaultThreads());
  const backend = backendLabel();
  const { vocabSize: V, length, batch } = TEXT_SPEC;
  const model = await buildModel(
    TEXT_SPEC.model,
    { shape: [], min: 0, max: V - 1, sequence: { vocabSize: V } },
    { registry: builtInRegistry(), validateOptions, baseDir: process.cwd(), seed: 0 },
  );
  const rng = new Rng(0);
  const seqs = Array.from({ length: batch }, () => Array.from({ length }, () => 4 + Math.floor(rng.next() * (V - 4))));
  const b = sequenceBatch(sequenceData(seqs), null, 0, batch);
  const x = tf.tensor2d(b.ids, [b.rows, b.T], 'int32');
  const warmup = warmupSteps(o);
  const seconds = timeTrainingSteps(model, x, rng, { steps: o.steps, warmup, clipNorm: 5 });
  const tokens = o.steps * b.predicted;
  return { model: 'text' as const, backend, threads: kernelThreads(), tokensPerSec: tokens / seconds, sequencesPerSec: (o.steps * batch) / seconds, steps: o.steps, warmup, seconds };
}

/**
 * Training steps per second of the benchmark spec on fixed random binary data (batch 128,
 * Adam 1e-3, Bernoulli loss, latent 20), timed after a warm-up, as samples/s.
 */
export async function runBench(o: BenchOptions & { model: 'mlp' | 'conv' }): Promise<{ model: string; backend: string; threads: number; samplesPerSec: number; steps: number; warmup: number; seconds: number }> {
  await selectBackend(o.backend);
  setKernelThreads(o.threads ?? defaultThreads());
  // "wasm+native" when the native SGEMM kernels of @vaekit/native are in use (VAEKIT_NATIVE=0 turns them off).
  const backend = backendLabel();
  const batch = 128;
  const registry = builtInRegistry();
  const model = await buildModel(
    { latentDim: 20, ...SPECS[o.model], loss: { use: 'bce' } },
    { shape: [28, 28, 1], min: 0, max: 1 },
    { registry, validateOptions, baseDir: process.cwd(), seed: 0 },
  );
  const rng = new Rng(0);
  const x = tf.tensor2d(Float32Array.from({ length: batch * 784 }, () => (rng.next() > 0.5 ? 1 : 0)), [batch, 784]);
  const warmup = warmupSteps(o);
  const seconds = timeTrainingSteps(model, x, rng, { steps: o.steps, warmup });
  return { model: o.model, backend, threads: kernelThreads(), samplesPerSec: (o.steps * batch) / seconds, steps: o.steps, warmup, seconds };
}

/**
 * Untimed steps before the timed ones: o.warmup, by default as many as are timed (at least 3).
 * A fresh Node.js process runs its first few hundred steps slower while V8 compiles the hot code
 * and sizes its heap, and more so on several threads, where its background threads take turns
 * with the kernels' (measured: the MLP spec's first 300 steps ran 7% slower on one thread and 18%
 * on two than the next 300); a benchmark is after the steady speed that a training run's epochs run at.
 */
function warmupSteps(o: { steps: number; warmup?: number }): number {
  return o.warmup ?? Math.max(3, o.steps);
}

/**
 * Seconds taken by `steps` Adam 1e-3 training steps of a model on one fixed batch x, after
 * `warmup` untimed ones, with the gradient norm clipped at `clipNorm` when given.
 * Releases x and the model's weights.
 */
function timeTrainingSteps(model: VAE, x: tf.Tensor2D, rng: Rng, o: { steps: number; warmup: number; clipNorm?: number }): number {
  const optimizer = createOptimizer({ name: 'adam', lr: 1e-3 });
  const vars = model.weights();
  const step = () => {
    const { value, grads } = tf.variableGrads(() => model.objective(x, 1, 0, rng.nextSeed()).loss, vars);
    applyGradients(optimizer, grads, o.clipNorm);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  for (let i = 0; i < o.warmup; i++) step();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < o.steps; i++) step();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  tf.dispose([x, ...vars]);
  optimizer.dispose();
  return seconds;
}
