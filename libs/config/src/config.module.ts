import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PlatformConfig } from './platform-config';

/**
 * Makes the validated configuration injectable both as the service's own class and as
 * `PlatformConfig`, so platform libraries need not know the service's subclass.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<T extends PlatformConfig>(config: T): DynamicModule {
    const serviceConfigClass = config.constructor as new () => T;
    const providers = [{ provide: PlatformConfig, useValue: config }];
    if (serviceConfigClass !== PlatformConfig)
      providers.push({ provide: serviceConfigClass, useValue: config });
    return { module: ConfigModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}
