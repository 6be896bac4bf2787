export * from './configure-http-app';
export * from './problem-details';
export * from './problem-details.filter';
export * from './validation';
export * from './dto/postal-address.request';
export * from './path-id';
export * from './text-rule';
export * from './optional-fields';
