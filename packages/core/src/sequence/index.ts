export * from './types';
export * from './batches';
export * from './generate';
