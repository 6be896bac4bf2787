export * from './handle-sms-reply.command';
export * from './handle-sms-reply.use-case';
