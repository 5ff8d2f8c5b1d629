import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A tfjs IOHandler that stores model artifacts in a directory: `model.json` (the weight manifest
 * and user metadata) and `weights.bin`. tfjs's own `file://` handler exists only in tfjs-node.
 */
export function directoryHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      fs.mkdirSync(dir, { recursive: true });
      const data = artifacts.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const bin = Buffer.concat(buffers.map((b) => Buffer.from(b)));
      const manifest = {
        format: 'vaekit-checkpoint',
        version: 1,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: artifacts.userDefinedMetadata ?? {},
      };
      // Write to temporary names, then rename: a crash never leaves a half-written checkpoint.
      fs.writeFileSync(path.join(dir, 'weights.bin.tmp'), bin);
      fs.writeFileSync(path.join(dir, 'model.json.tmp'), JSON.stringify(manifest, null, 2));
      fs.renameSync(path.join(dir, 'weights.bin.tmp'), path.join(dir, 'weights.bin'));
      fs.renameSync(path.join(dir, 'model.json.tmp'), path.join(dir, 'model.json'));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: bin.length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const group = manifest.weightsManifest[0];
      const bin = fs.readFileSync(path.join(dir, group.paths[0]));
      return {
        weightSpecs: group.weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
        userDefinedMetadata: manifest.userDefinedMetadata,
      };
    },
  };
}
