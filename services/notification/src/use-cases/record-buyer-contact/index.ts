export * from './record-buyer-contact.use-case';
