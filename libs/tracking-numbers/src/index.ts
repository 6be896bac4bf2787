export * from './carriers';
export type { TrackingNumberFormat } from './formats';
export * from './validate';
