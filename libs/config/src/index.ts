export * from './platform-config';
export * from './load-config';
export * from './config.module';
