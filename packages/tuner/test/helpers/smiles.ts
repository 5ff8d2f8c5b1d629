/** Small SMILES data, a tiny SMILES model config and checkpoint edits for the CLI tests of the molecule commands. */
import * as fs from 'fs';
import * as path from 'path';

// The SMILES grammar the pipelines' property tests use too.
export { grammarSmiles } from '../../../pipelines/test/fixtures/smiles';

/** A GRU SMILES model on train.smi (20 validation, 20 test lines) that trains in seconds. */
export const TINY_SMILES_CONFIG =
  [
    'data: { use: text, path: train.smi, tokenizer: smiles, validation: 20, test: 20, shuffle: false }',
    'model:',
    '  latentDim: 4',
    '  encoder: { use: gru, embedding: 16, hidden: 32 }',
    '  decoder: { use: gru, embedding: 16, hidden: 32 }',
    '  loss: { use: categorical }',
    '  klSchedule: { kind: linear, warmupSteps: 40 }',
    'train: { epochs: 6, batchSize: 16, optimizer: { name: adam, lr: 0.01 }, clipNorm: 5 }',
  ].join('\n') + '\n';

/** A copy of a checkpoint folder at `to` with its model.json metadata edited (for refusal tests). */
export function editedCheckpoint(from: string, to: string, edit: (meta: Record<string, any>) => void): string {
  fs.cpSync(from, to, { recursive: true });
  const file = path.join(to, 'model.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json.userDefinedMetadata);
  fs.writeFileSync(file, JSON.stringify(json));
  return to;
}
