export * from './registry';
export * from './commands/train';
export * from './images/png';
export * from './images/pictures';
export * from './config';
export { main } from './cli/main';
export * from './study';
