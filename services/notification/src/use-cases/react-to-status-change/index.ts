export * from './react-to-status-change.use-case';
