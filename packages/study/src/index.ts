export * from './errors';
export * from './types';
export * from './trial';
export * from './study';
export * from './samplers';
export * from './pruners';
export * from './options';
export * from './storages';
