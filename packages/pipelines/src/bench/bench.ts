import * as tf from '@tensorflow/tfjs-core';
import { backendLabel, buildModel, createOptimizer, Rng, selectBackend, validateOptions, BackendChoice } from '@vaekit/core';
import { builtInRegistry } from '../registry';

export interface BenchOptions {
  model: 'mlp' | 'conv';
  steps: number;
  backend: BackendChoice;
  warmup?: number;
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
 * Training steps per second of the benchmark spec on fixed random binary data (batch 128,
 * Adam 1e-3, Bernoulli loss, latent 20), timed after a warm-up, as samples/s.
 */
export async function runBench(o: BenchOptions): Promise<{ model: string; backend: string; samplesPerSec: number; steps: number; seconds: number }> {
  await selectBackend(o.backend);
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
  const optimizer = createOptimizer({ name: 'adam', lr: 1e-3 });
  const vars = model.weights();
  const step = () => {
    const { value, grads } = tf.variableGrads(() => model.objective(x, 1, 0, rng.nextSeed()).loss, vars);
    optimizer.applyGradients(grads);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  for (let i = 0; i < (o.warmup ?? 3); i++) step();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < o.steps; i++) step();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  tf.dispose([x, ...vars]);
  optimizer.dispose();
  return { model: o.model, backend, samplesPerSec: (o.steps * batch) / seconds, steps: o.steps, seconds };
}
