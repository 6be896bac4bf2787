export * from './erase-buyer.use-case';
