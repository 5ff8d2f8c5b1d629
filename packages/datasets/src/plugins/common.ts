import type { Schema } from '../options';

/** Option schemas shared by the file-based dataset plugins. */
export const binarizeSchema: Schema = {
  enum: ['none', 'static', 'dynamic'],
  default: 'none',
  description:
    "'static': each value p in [0, 1] is replaced once by a seeded Bernoulli(p) draw; " +
    "'dynamic': the trainer draws a fresh binarisation of each batch; 'none': values as they are",
};

export const seedSchema: Schema = {
  type: 'integer',
  minimum: 0,
  default: 0,
  description: 'Seed for static binarisation and for shuffle',
};

export const validationSchema: Schema = {
  type: 'number',
  minimum: 0,
  default: 0,
  description:
    'Examples held out for validation from the end of the training rows: a count, or a fraction (below 1) of them. 0: no validation split',
};

export const testFractionSchema: Schema = {
  type: 'number',
  minimum: 0,
  exclusiveMaximum: 1,
  default: 0.1,
  description: 'Fraction of the examples held out for test, from the end of the file (ignored with a test file)',
};

export const limitSchema: Schema = {
  type: 'integer',
  minimum: 1,
  description: 'Use only the first `limit` examples of the file (default: all)',
};

export const shuffleSchema: Schema = {
  type: 'boolean',
  default: false,
  description: 'Shuffle the rows (with seed) before splitting, for files sorted by class',
};

export function scaleSchema(defaultValue: 'auto' | 'none', perColumn: boolean): Schema {
  return {
    anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { enum: ['auto', 'none', 'minmax'] }],
    default: defaultValue,
    description:
      'A number to divide values by; ' +
      (perColumn ? "'minmax': map each column's training range to [0, 1]; " : "'minmax': map the training range to [0, 1]; ") +
      "'auto': divide by 255 for 8-bit unsigned data, else leave alone; 'none': leave alone",
  };
}

export const pathSchema = (description: string): Schema => ({ type: 'string', minLength: 1, description });
