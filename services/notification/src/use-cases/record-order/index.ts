export * from './record-order.use-case';
