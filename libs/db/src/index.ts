export * from './database.module';
export * from './data-source-options';
export * from './migrations';
export * from './unit-of-work';
export * from './database-readiness';
export * from './bulk-insert';
export * from './rows-of';
export * from './advisory-locks';
