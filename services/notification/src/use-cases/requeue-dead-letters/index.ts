export * from './requeue-dead-letters.use-case';
