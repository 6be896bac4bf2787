export * from './dispatch-notifications.use-case';
export * from './dispatch-signal';
