/** model.property without the optional package @vaekit/molecules: a UsageError saying how to install it. */
import { Dataset, validateConfig } from '@vaekit/core';
import { VaekitError } from '@vaekit/study';
import { withPropertyTargets } from '../src/property/targets';

jest.mock('@vaekit/molecules', () => {
  const e = new Error("Cannot find module '@vaekit/molecules' from 'targets.ts'") as NodeJS.ErrnoException;
  e.code = 'MODULE_NOT_FOUND';
  throw e;
});

test('the message names the package and the npm install line, exit code 2', async () => {
  const config = validateConfig({
    data: { use: 'text', train: 'train.smi', tokenizer: 'smiles' },
    model: { encoder: { use: 'gru' }, decoder: { use: 'gru' }, loss: { use: 'categorical' }, property: { names: ['qed'] } },
  });
  const split = { x: new Float32Array(0), n: 0, dim: 0, seq: { tokens: new Int32Array(0), offsets: new Int32Array(1) } };
  const data = {
    name: 'train.smi',
    info: { shape: [], min: 0, max: 4, sequence: { vocabSize: 5 } },
    train: split,
    validation: split,
    test: split,
    binarize: 'none',
    vocab: { tokens: ['<pad>', '<bos>', '<eos>', '<unk>', 'C'], tokenizer: { kind: 'smiles', lowercase: false } },
  } as Dataset;
  const log = { write: () => true } as unknown as NodeJS.WritableStream;
  const err = await withPropertyTargets(config, data, log).catch((e) => e);
  expect(err).toBeInstanceOf(VaekitError);
  expect(err.exitCode).toBe(2);
  expect(err.message).toBe(
    'model.property needs the optional package @vaekit/molecules (RDKit for Node.js): install it with npm install @vaekit/molecules',
  );
});
