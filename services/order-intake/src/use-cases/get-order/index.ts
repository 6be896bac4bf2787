export * from './get-order.use-case';
