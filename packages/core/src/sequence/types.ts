import type * as tf from '@tensorflow/tfjs-core';

/**
 * Token sequences (sentences, SMILES strings): the contract between the sequence datasets, the
 * recurrent encoders and decoders, the categorical likelihood and the trainer.
 *
 * A batch of sequences is one int32 tensor [batch, T], each row laid out as
 *   <bos> t_1 … t_n <eos> <pad> …
 * with T = 2 + the longest sequence of the batch (padding is per batch). Encoders read the row
 * without its <bos>; decoders are fed x[:, 0..T−2] (teacher forcing) and predict x[:, 1..T−1];
 * a target position counts when it is not <pad>, so every sequence predicts its n tokens and
 * its <eos>.
 */

/** The four special tokens every vocabulary starts with, at these ids. */
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const UNK_ID = 3;
export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<unk>'] as const;

/** How text was cut into tokens; stored with the vocabulary so later text is cut the same way. */
export type TokenizerSpec =
  | { kind: 'words'; lowercase: boolean }
  | { kind: 'chars'; lowercase: boolean }
  | { kind: 'smiles'; lowercase: false }
  | { kind: 'regex'; pattern: string; flags?: string; lowercase: boolean };

/**
 * A vocabulary: `tokens[id]` is the token with that id; ids 0..3 are SPECIAL_TOKENS. Built from
 * the training split only, saved in the checkpoint and used as is when scoring or generating.
 */
export interface Vocabulary {
  tokens: string[];
  tokenizer: TokenizerSpec;
}

/** The sequences of a split, back to back: sequence i is tokens[offsets[i] .. offsets[i+1]), without specials. */
export interface SequenceData {
  tokens: Int32Array;
  /** n + 1 entries, offsets[0] = 0. */
  offsets: Int32Array;
}

/** What decoders get beside z. */
export interface DecodeContext {
  /** True while training (word dropout applies); false when evaluating or generating. */
  training?: boolean;
  /** Seed for the decoder's own randomness (word dropout) in this pass. */
  seed?: number;
}

/** The recurrent state of an autoregressive decoder between steps: whatever tensors it needs. */
export type DecoderState = tf.Tensor[];

/**
 * A decoder that generates one token at a time. `decode(z, x)` is its teacher-forced pass
 * (logits [batch, (T−1)·V]); generation calls `start` once and then `step` per position.
 */
export interface AutoregressiveDecoder {
  readonly autoregressive: true;
  readonly vocabSize: number;
  /** The state before the first step, from z: [batch, latent] → state. */
  start(z: tf.Tensor2D): DecoderState;
  /** Feeds one token per row (int32 [batch]) and returns the next token's logits [batch, V] and the new state. */
  step(z: tf.Tensor2D, state: DecoderState, tokens: tf.Tensor1D): { logits: tf.Tensor2D; state: DecoderState };
}
