export * from './tracking-error';
export * from './backoff';
