import { createHash } from 'crypto';
import { SequenceData, Vocabulary } from '@vaekit/core';
import { encodeFile } from '@vaekit/datasets';

/**
 * What a text checkpoint remembers of its training set, so a file given later can be checked to be
 * that set without the checkpoint pointing at (or reading back) any path: the number of sequences
 * and a SHA-256 of their token ids, sorted (the same lines in any order give the same hash).
 */
export interface TrainSetFingerprint {
  n: number;
  sha256: string;
}

/** The fingerprint of sequences of token ids (each hashed as its length and ids, little-endian int32). */
export function trainSetFingerprint(seq: SequenceData): TrainSetFingerprint {
  const n = seq.offsets.length - 1;
  const rows = Array.from({ length: n }, (_, i) => seq.tokens.subarray(seq.offsets[i], seq.offsets[i + 1]));
  rows.sort((a, b) => {
    for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k] - b[k];
    return a.length - b.length;
  });
  const hash = createHash('sha256');
  const head = Buffer.alloc(4);
  for (const r of rows) {
    head.writeInt32LE(r.length, 0);
    hash.update(head);
    hash.update(Buffer.from(r.buffer, r.byteOffset, r.byteLength));
  }
  return { n, sha256: hash.digest('hex') };
}

/**
 * The fingerprint of a file read as the text dataset reads a training file (blank lines skipped,
 * the checkpoint's vocabulary, lines cut to `maxLength`): equal to the checkpoint's when the file
 * is its training set.
 */
export function fileTrainSetFingerprint(file: string, vocab: Vocabulary, maxLength?: number): TrainSetFingerprint {
  return trainSetFingerprint(encodeFile(file, vocab, { maxLength }).seq);
}

/** Whether `stored` (from a checkpoint's model.json, untrusted) is a well-formed fingerprint. */
export function isTrainSetFingerprint(stored: unknown): stored is TrainSetFingerprint {
  const s = stored as TrainSetFingerprint;
  return !!s && typeof s === 'object' && Number.isSafeInteger(s.n) && s.n >= 0 && typeof s.sha256 === 'string' && /^[0-9a-f]{64}$/.test(s.sha256);
}
