export * from './tracking-error';
export * from './backoff';
export * from './periodic-task';
