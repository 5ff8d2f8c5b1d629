/**
 * Prior samples of a text model streamed a chunk at a time: the same sentences as `sampleText`
 * for a seed, in bounded chunks.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { VAE } from '@vaekit/core';
import { buildVocabulary } from '@vaekit/datasets';
import { forEachSampleChunk, sampleText } from '../src/text/generate';
import { builtInRegistry } from '../src/registry';

const L = 3;
const vocab = buildVocabulary(['CCO', 'c1ccccc1', 'CC(=O)N', 'OCCN', 'C1CC1Br'], { kind: 'smiles' });

async function model(seed: number): Promise<VAE> {
  const reg = builtInRegistry();
  const V = vocab.tokens.length;
  const ctx = (path: string, s: number) => ({ dataShape: [], latentDim: L, seed: s, path, baseDir: '.', vocabSize: V });
  const where = { path: 'model' };
  const encoder = await reg.resolve('encoder', 'gru', where).create({ embedding: 4, hidden: 8, layers: 1, bidirectional: false }, ctx('model.encoder', seed));
  const decoder = await reg.resolve('decoder', 'gru', where).create({ embedding: 4, hidden: 8, layers: 1, zToInputs: true }, ctx('model.decoder', seed + 1));
  const loss = await reg.resolve('loss', 'categorical', where).create({}, ctx('model.loss', seed));
  return new VAE(encoder, decoder, loss, L, []);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('forEachSampleChunk', () => {
  it.each(['greedy', 'sample'] as const)('%s: the chunks, joined, are sampleText for the seed; at most 100 rows each; no tensor left behind', async (method) => {
    const m = await model(3);
    const n = 250;
    const o = { method, maxLength: 12, seed: 7 };
    const whole = sampleText(m, vocab, n, o);
    const before = tf.memory().numTensors;
    const chunks: string[][] = [];
    forEachSampleChunk(m, vocab, n, o, (c) => chunks.push(c));
    expect(tf.memory().numTensors).toBe(before);
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunks.flat()).toEqual(whole);
    expect(whole).toHaveLength(n);
    // A seed fixes the samples, and whole chunks do not depend on n.
    expect(sampleText(m, vocab, 200, o)).toEqual(whole.slice(0, 200));
    // Different draws for another seed (the sentences of an untrained model still vary with z).
    expect(sampleText(m, vocab, n, { ...o, seed: 8 })).not.toEqual(whole);
    tf.dispose(m.weights());
  });
});
