import * as fs from 'fs';
import * as path from 'path';
import { DataSplit, longestSequence, VAE, Vocabulary } from '@vaekit/core';
import { decodeSequences } from '@vaekit/datasets';
import { reconstructText, sampleText } from './generate';

/** Sentences written after training: prior samples, and test sequences with their reconstructions. */
export const SAMPLES_FILE = 'samples.txt';
export const RECONSTRUCTIONS_FILE = 'reconstructions.txt';

/**
 * What a text model's training run leaves to read: samples.txt (greedy decodes of `n` prior
 * draws, one per line) and reconstructions.txt (the first `n` test sequences, each line the input,
 * a tab, and the greedy decode of its posterior mean).
 */
export function writeTextSamples(out: string, model: VAE, vocab: Vocabulary, test: DataSplit, o: { seed: number; n?: number }): string[] {
  const n = o.n ?? 20;
  const maxLength = generationLength(test);
  const samples = sampleText(model, vocab, n, { method: 'greedy', maxLength, seed: o.seed });
  const files = [path.join(out, SAMPLES_FILE)];
  fs.writeFileSync(files[0], samples.map((l) => l + '\n').join(''));
  if (test.seq && test.n > 0) {
    const k = Math.min(n, test.n);
    const seq = { tokens: test.seq.tokens, offsets: test.seq.offsets.subarray(0, k + 1) };
    const inputs = decodeSequences(seq, vocab);
    const recon = reconstructText(model, vocab, seq, { method: 'greedy', maxLength });
    files.push(path.join(out, RECONSTRUCTIONS_FILE));
    fs.writeFileSync(files[1], inputs.map((l, i) => `${l}\t${recon[i]}\n`).join(''));
  }
  return files;
}

/** Tokens generated at most: 1.5 × the longest sequence seen (of a split, or a number), at least 20. */
export function generationLength(longest: DataSplit | number | undefined): number {
  const n = typeof longest === 'number' ? longest : longest?.seq ? longestSequence(longest.seq) : 0;
  return Math.max(20, Math.ceil(n * 1.5));
}
