import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel, ConfigError, PluginRegistry, validateOptions, VAE } from '@vaekit/core';
import { gruEncoder, mlpEncoder } from '@vaekit/encoders';
import { categorical } from '@vaekit/losses';
import { gruDecoder } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const V = 12;
const info = { shape: [], min: 0, max: V - 1, sequence: { vocabSize: V } };

function registry(): PluginRegistry {
  const r = new PluginRegistry();
  for (const p of [gruEncoder, mlpEncoder, gruDecoder, categorical]) r.register(p as never);
  return r;
}

async function build(encoder: object, decoder: object): Promise<VAE> {
  return buildModel(
    { latentDim: 3, encoder: { use: 'gru', embedding: 6, hidden: 5, ...encoder }, decoder: { use: 'gru', embedding: 6, hidden: 5, ...decoder }, loss: { use: 'categorical' } },
    info,
    { registry: registry(), validateOptions, baseDir: '.', seed: 1 },
  );
}

test('shareEmbedding: one table for encoder and decoder, listed once, trained by both', async () => {
  const shared = await build({}, { shareEmbedding: true });
  const own = await build({}, {});
  const enc = shared.encoder as unknown as { embedding: unknown };
  const dec = shared.decoder as unknown as { embedding: unknown };
  expect(dec.embedding).toBe(enc.embedding);
  const count = (m: VAE) => m.weights().reduce((a, w) => a + w.size, 0);
  expect(count(own) - count(shared)).toBe(V * 6);
  expect(new Set(shared.weights()).size).toBe(shared.weights().length);
  // The table's gradient is the sum of what the encoder and the decoder send it.
  const x = tf.tensor2d([1, 5, 6, 7, 2, 1, 4, 2, 0, 0], [2, 5], 'int32');
  const table = (enc.embedding as { table: tf.Variable }).table;
  const { grads } = tf.variableGrads(() => shared.objective(x, 1, 0, 3).loss, shared.weights());
  const g = grads[table.name].arraySync() as number[][];
  // Row 4 is read by the encoder (token) and the decoder (input after <bos>); row 1 (<bos>) only by the decoder.
  expect(g[4].some((v) => v !== 0)).toBe(true);
  expect(g[1].some((v) => v !== 0)).toBe(true);
  tf.dispose([x, ...shared.weights(), ...own.weights()]);
});

test('shareEmbedding needs an encoder with a token embedding of the same size', async () => {
  await expect(build({ embedding: 8 }, { shareEmbedding: true })).rejects.toThrow(
    /model\.decoder\.shareEmbedding: the encoder's embedding is 12 × 8, this decoder's would be 12 × 6/,
  );
  await expect(
    buildModel(
      { latentDim: 3, encoder: { use: 'mlp', hidden: [4] }, decoder: { use: 'gru', embedding: 6, hidden: 5, shareEmbedding: true }, loss: { use: 'categorical' } },
      info,
      { registry: registry(), validateOptions, baseDir: '.', seed: 1 },
    ),
  ).rejects.toBeInstanceOf(ConfigError);
});
