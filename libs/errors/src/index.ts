export * from './tracking-error';
