export * from './submit-order.command';
export * from './submit-order.use-case';
