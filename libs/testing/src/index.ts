export * from './infra/local-broker';
export * from './infra/embedded-postgres';
export * from './infra/docker';
export * from './infra/test-infrastructure';
export * from './infra/test-database';
export * from './test-kafka';
export * from './test-environment';
export * from './eventually';
