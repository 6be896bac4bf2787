export * from './record-production-progress.command';
export * from './record-production-progress.use-case';
