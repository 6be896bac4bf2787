export * from './create-logger';
export * from './logger-options';
export * from './logging.module';
export * from './operational-paths';
export * from './redaction';
