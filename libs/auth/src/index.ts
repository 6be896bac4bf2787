export * from './auth.guard';
export * from './auth.module';
export * from './decorators';
export * from './signing-keys';
export * from './tenant-principal';
export * from './token-verifier';
