export * from './config';
export { main } from './cli/main';
/** @deprecated The VAE pipelines live in `@vaekit/pipelines`; import from there. */
export { builtInRegistry, runTraining, writeImageGrid, isImageShape, writePictures } from '@vaekit/pipelines';
export type { TrainRunOptions, TrainRunResult } from '@vaekit/pipelines';
/** @deprecated The study engine lives in `@vaekit/study`; import from there. */
export * from '@vaekit/study';
