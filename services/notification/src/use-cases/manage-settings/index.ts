export * from './manage-settings.use-case';
export * from './update-settings.command';
