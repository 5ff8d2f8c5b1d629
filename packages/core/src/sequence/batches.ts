import { BOS_ID, EOS_ID, PAD_ID, SequenceData } from './types';

/** One padded batch of sequences: ids [rows, T] row-major, T = 2 + the batch's longest sequence. */
export interface SequenceBatch {
  ids: Int32Array;
  rows: number;
  T: number;
  /** Tokens the decoder predicts in this batch: Σ (length + 1), each sequence's <eos> included. */
  predicted: number;
}

/** Sequences idx[from..to) (or from..to when idx is null) as `<bos> tokens <eos> <pad>…` rows. */
export function sequenceBatch(seq: SequenceData, idx: ArrayLike<number> | null, from: number, to: number): SequenceBatch {
  const rows = to - from;
  let longest = 0;
  for (let r = from; r < to; r++) {
    const i = idx ? idx[r] : r;
    longest = Math.max(longest, seq.offsets[i + 1] - seq.offsets[i]);
  }
  const T = longest + 2;
  const ids = new Int32Array(rows * T).fill(PAD_ID);
  let predicted = 0;
  for (let r = 0; r < rows; r++) {
    const i = idx ? idx[from + r] : from + r;
    const a = seq.offsets[i];
    const n = seq.offsets[i + 1] - a;
    ids[r * T] = BOS_ID;
    ids.set(seq.tokens.subarray(a, a + n), r * T + 1);
    ids[r * T + 1 + n] = EOS_ID;
    predicted += n + 1;
  }
  return { ids, rows, T, predicted };
}

/** Tokens predicted over a whole split: Σ (length + 1). */
export function predictedTokens(seq: SequenceData): number {
  return seq.tokens.length + seq.offsets.length - 1;
}

/** Length of the longest sequence of a split. */
export function longestSequence(seq: SequenceData): number {
  let m = 0;
  for (let i = 0; i + 1 < seq.offsets.length; i++) m = Math.max(m, seq.offsets[i + 1] - seq.offsets[i]);
  return m;
}

/** A SequenceData from arrays of token ids, for tests and tools. */
export function sequenceData(seqs: ArrayLike<number>[]): SequenceData {
  const offsets = new Int32Array(seqs.length + 1);
  for (let i = 0; i < seqs.length; i++) offsets[i + 1] = offsets[i] + seqs[i].length;
  const tokens = new Int32Array(offsets[seqs.length]);
  seqs.forEach((s, i) => tokens.set(Array.from(s), offsets[i]));
  return { tokens, offsets };
}
