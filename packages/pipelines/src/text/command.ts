import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { readCheckpointMetadata, SequenceData } from '@vaekit/core';
import { DEFAULT_MAX_REGEX_LINE_BYTES, DEFAULT_MAX_TEXT_LINE_BYTES, encodeLines, forEachLine } from '@vaekit/datasets';
import { UsageError } from '@vaekit/study';
import { loadCheckpointModel } from '../checkpoint/load';
import { DecodeOptions, interpolateText, reconstructText, sampleText } from './generate';
import { generationLength } from './files';

export interface GenerateArgs {
  checkpoint: string;
  /** Prior draws to decode (default 10). */
  n?: number;
  method: 'greedy' | 'sample' | 'beam';
  beam?: number;
  temperature?: number;
  seed: number;
  /** Tokens generated at most per sequence; default: 1.5 × the longest training sequence (at least 20). */
  maxLength?: number;
  /** A text file: each line is encoded and its posterior mean decoded. */
  reconstruct?: string;
  /** Two sentences: the straight line between their posterior means, decoded at `steps` points. */
  interpolate?: [string, string];
  steps?: number;
}

export interface GenerateResult {
  mode: 'sample' | 'reconstruct' | 'interpolate';
  method: string;
  /** One generated sequence per entry, in order. */
  sequences: string[];
  /** reconstruct: the input lines, beside `sequences`. */
  inputs?: string[];
}

/** Lines read from a reconstruct file at most. */
export const MAX_RECONSTRUCT_LINES = 100_000;

/** `vaekit generate`: prior samples, reconstructions or an interpolation from a text model's checkpoint. */
export async function runGenerate(a: GenerateArgs): Promise<GenerateResult> {
  const meta = readCheckpointMetadata(a.checkpoint);
  if (meta && typeof meta === 'object' && meta.config && meta.vocab === undefined) {
    throw new UsageError(
      `${path.join(a.checkpoint, 'model.json')}: this checkpoint holds a model of ${Array.isArray(meta.dataShape) ? `data of shape [${meta.dataShape.join(', ')}]` : 'vectors or images'}, ` +
        'not of token sequences: vaekit generate needs a checkpoint of a text model (its pictures are in the training run folder)',
    );
  }
  const { model, vocab } = await loadCheckpointModel(a.checkpoint);
  try {
    const maxLength = a.maxLength ?? generationLength(Number.isSafeInteger(meta.longestSequence) ? meta.longestSequence : 50);
    const o: DecodeOptions = { method: a.method, beam: a.beam, temperature: a.temperature, maxLength, seed: a.seed };
    if (a.interpolate) {
      const pair = encode(a.interpolate, vocab!, '--interpolate');
      return { mode: 'interpolate', method: a.method, sequences: interpolateText(model, vocab!, pair, a.steps ?? 6, o) };
    }
    if (a.reconstruct) {
      const lines: string[] = [];
      // A regex tokenizer (from the checkpoint) may take time quadratic in a line's length: its lines are kept short.
      const maxLineBytes = vocab!.tokenizer.kind === 'regex' ? DEFAULT_MAX_REGEX_LINE_BYTES : DEFAULT_MAX_TEXT_LINE_BYTES;
      forEachLine(a.reconstruct, { name: a.reconstruct, maxLineBytes }, (text, line) => {
        if (line > MAX_RECONSTRUCT_LINES) throw new UsageError(`${a.reconstruct}: more than ${MAX_RECONSTRUCT_LINES} lines; split the file`);
        if (text.trim()) lines.push(text.trim());
      });
      if (lines.length === 0) throw new UsageError(`${a.reconstruct}: no non-blank line to reconstruct`);
      const seq = encode(lines, vocab!, a.reconstruct);
      return { mode: 'reconstruct', method: a.method, inputs: lines, sequences: reconstructText(model, vocab!, seq, o) };
    }
    return { mode: 'sample', method: a.method, sequences: sampleText(model, vocab!, a.n ?? 10, { ...o, seed: a.seed }) };
  } finally {
    tf.dispose(model.weights());
  }
}

function encode(lines: string[], vocab: NonNullable<Awaited<ReturnType<typeof loadCheckpointModel>>['vocab']>, name: string): SequenceData {
  return encodeLines(lines, vocab, { name });
}
