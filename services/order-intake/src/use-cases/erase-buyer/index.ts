export * from './erase-buyer.command';
export * from './erase-buyer.use-case';
