// vaekit-plugin-resmlp: a third-party encoder plugin, published on its own. It uses @vaekit/core's
// layers (their gradients are fast on the wasm backend) and the one tfjs-core the application has
// installed: both are peer dependencies, so the plugin never brings a second copy of either.
'use strict';
const tf = require('@tensorflow/tfjs-core');
const { Dense, Rng, activate, activationSchema } = require('@vaekit/core');

/** x → Dense(width) → `blocks` × [h + W₂·act(W₁·act(h))] → act → (mean, log-variance). */
class ResMlpEncoder {
  constructor(inDim, latentDim, options, rng) {
    this.options = options;
    this.input = new Dense(inDim, options.width, rng);
    this.blocks = [];
    for (let i = 0; i < options.blocks; i++) {
      this.blocks.push([new Dense(options.width, options.width, rng), new Dense(options.width, options.width, rng)]);
    }
    this.meanHead = new Dense(options.width, latentDim, rng);
    this.logVarHead = new Dense(options.width, latentDim, rng);
  }

  encode(x) {
    const a = this.options.activation;
    return tf.tidy(() => {
      let h = this.input.apply(x);
      for (const [l1, l2] of this.blocks) {
        const r = l2.apply(activate(l1.apply(activate(h, a)), a));
        h = tf.add(h, tf.mul(r, this.options.residualScale));
      }
      h = activate(h, a);
      return { mean: this.meanHead.apply(h), logVar: this.logVarHead.apply(h) };
    });
  }

  weights() {
    return [
      ...this.input.weights(),
      ...this.blocks.flatMap(([l1, l2]) => [...l1.weights(), ...l2.weights()]),
      ...this.meanHead.weights(),
      ...this.logVarHead.weights(),
    ];
  }
}

/** The plugin object: what a config's `use: "vaekit-plugin-resmlp#resmlpEncoder"` resolves to. */
const resmlpEncoder = {
  kind: 'encoder',
  name: 'resmlp',
  description: 'Residual MLP encoder: a dense stem, pre-activation residual blocks, and two dense heads.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      width: { type: 'integer', minimum: 1, default: 256, description: 'Width of the stem and of every residual block.' },
      blocks: { type: 'integer', minimum: 0, default: 2, description: 'Number of residual blocks (two dense layers each).' },
      residualScale: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Factor on each block’s output before it is added back.' },
      activation: activationSchema,
    },
  },
  create(options, ctx) {
    const inDim = ctx.dataShape.reduce((p, d) => p * d, 1);
    return new ResMlpEncoder(inDim, ctx.latentDim, options, new Rng(ctx.seed));
  },
};

module.exports = { resmlpEncoder, ResMlpEncoder, plugins: [resmlpEncoder] };
