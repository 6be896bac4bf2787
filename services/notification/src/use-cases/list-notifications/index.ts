export * from './list-notifications.use-case';
