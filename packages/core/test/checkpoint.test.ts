import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { isUserError } from '@vaekit/study';
import { CheckpointError, loadCheckpoint, readCheckpointMetadata, saveCheckpoint } from '../src';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-checkpoint-'));
const holder = (shapes: number[][]) => {
  const vars = shapes.map((s) => tf.variable(tf.zeros(s)));
  return { weights: () => vars };
};

async function rejection(p: Promise<unknown>): Promise<CheckpointError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    expect(isUserError(e)).toBe(true);
    return e as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('CheckpointError', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('says a checkpoint is missing, is not a vaekit checkpoint, or lacks its weights (exit code 2)', async () => {
    const dir = tmp();
    expect((await rejection(Promise.resolve().then(() => readCheckpointMetadata(path.join(dir, 'none'))))).message).toMatch(/checkpoint not found: .*none.model\.json does not exist/);
    fs.writeFileSync(path.join(dir, 'model.json'), '{ not json');
    expect((await rejection(Promise.resolve().then(() => readCheckpointMetadata(dir)))).message).toMatch(/model\.json: not a vaekit checkpoint/);
    const saved = tmp();
    await saveCheckpoint(saved, holder([[2, 3]]), {});
    fs.rmSync(path.join(saved, 'weights.bin'));
    expect((await rejection(loadCheckpoint(saved, holder([[2, 3]])))).message).toMatch(/cannot read the checkpoint's weights/);
  });

  it('says a checkpoint was saved from another architecture', async () => {
    const dir = tmp();
    await saveCheckpoint(dir, holder([[2, 3]]), {});
    expect((await rejection(loadCheckpoint(dir, holder([[2, 3], [3]])))).message).toMatch(/holds 1 weight tensors, the model has 2/);
    expect((await rejection(loadCheckpoint(dir, holder([[3, 2]])))).message).toMatch(/weight 0 has shape \[2,3\] in the checkpoint but \[3,2\] in the model/);
  });
});
