export * from './cancel-order.command';
export * from './cancel-order.use-case';
