export * from './errors';
export * from './json-envelope-codec';
export { REQUIRED_ENVELOPE_FIELDS, envelopeProblem, isTimestamp, isUuid } from './validate-envelope';
