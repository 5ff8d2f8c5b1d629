/** JSON Schema pieces shared by the built-in encoders and decoders, so their options read alike. */

export const activationSchema = {
  enum: ['relu', 'tanh', 'elu', 'leakyRelu', 'sigmoid', 'linear'],
  default: 'relu',
  description: 'Nonlinearity after each hidden layer.',
};

export const hiddenSchema = (fallback: number[], description: string) => ({
  type: 'array',
  items: { type: 'integer', minimum: 1 },
  default: fallback,
  description,
});

/** Options of a stack of strided convolutions (the encoder) or its transposed mirror (the decoder). */
export function convStackSchema(filtersDescription: string): object {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      filters: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, default: [32, 64], description: filtersDescription },
      kernel: { type: 'integer', minimum: 1, default: 4 },
      stride: { type: 'integer', minimum: 1, default: 2 },
      padding: { type: 'integer', minimum: 0, description: 'Zero padding per side; default floor((kernel - stride) / 2).' },
      hidden: hiddenSchema([], 'Dense layers between the convolutions and the latent code.'),
      activation: activationSchema,
    },
  };
}
