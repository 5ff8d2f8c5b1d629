import type { ScoreMethod } from '@vaekit/core';

/** Study metrics that run the one-class protocol per trial (means over the normal classes). */
export const ANOMALY_METRICS: ReadonlyArray<string> = ['rocAuc', 'prAuc'];

/** The `anomaly:` section of a config: how `vaekit anomaly` and anomaly studies run the one-class protocol. */
export interface AnomalySection {
  classes?: number[];
  method: ScoreMethod;
  samples: number;
  baselines: { pca: { components: number } | false; knn: { k: number } | false };
}

export const anomalySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    classes: { type: 'array', items: { type: 'integer' }, minItems: 1, description: 'Labels that take turns as the normal class (default: every label in the training data).' },
    method: { enum: ['elbo', 'iwae', 'recon'], default: 'elbo', description: 'Anomaly score: −ELBO, IWAE NLL, or reconstruction NLL.' },
    samples: { type: 'integer', minimum: 1, maximum: 10000, default: 10, description: 'Posterior samples per example for elbo and iwae. At most 10000.' },
    baselines: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        pca: { anyOf: [{ const: false }, { type: 'object', additionalProperties: false, properties: { components: { type: 'integer', minimum: 1, default: 20 } } }], default: { components: 20 } },
        knn: { anyOf: [{ const: false }, { type: 'object', additionalProperties: false, properties: { k: { type: 'integer', minimum: 1, default: 5 } } }], default: { k: 5 } },
      },
    },
  },
};
