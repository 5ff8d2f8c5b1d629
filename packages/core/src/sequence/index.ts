export * from './types';
export * from './batches';
