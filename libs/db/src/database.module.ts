import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformConfig } from '@tracking/config';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, type ServiceDatabaseOptions } from './data-source-options';
import { DatabaseReadiness } from './database-readiness';
import { migrateServiceSchema } from './migrations';
import { UnitOfWork } from './unit-of-work';

/**
 * Resolves once this service's migrations have run. Async providers resolve before any
 * lifecycle hook, so consumers and the outbox relay never start on an old schema.
 */
export const DATABASE_MIGRATIONS = Symbol('DATABASE_MIGRATIONS');

@Global()
@Module({})
export class DatabaseModule {
  static forService(service: ServiceDatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [PlatformConfig],
          useFactory: (config: PlatformConfig) => ({
            ...buildDataSourceOptions(service, {
              url: config.DATABASE_URL,
              poolSize: config.DATABASE_POOL_SIZE,
              applicationName: config.SERVICE_NAME,
            }),
            // Kubernetes may start us before PostgreSQL answers: keep trying for about a minute.
            retryAttempts: 20,
            retryDelay: 3_000,
          }),
          dataSourceFactory: async (options) => new DataSource(options!).initialize(),
        }),
      ],
      providers: [
        UnitOfWork,
        DatabaseReadiness,
        {
          provide: DATABASE_MIGRATIONS,
          inject: [DataSource, PlatformConfig],
          useFactory: async (dataSource: DataSource, config: PlatformConfig) =>
            config.DATABASE_MIGRATIONS_RUN ? migrateServiceSchema(dataSource, service.schema) : [],
        },
      ],
      exports: [UnitOfWork, DatabaseReadiness, DATABASE_MIGRATIONS],
    };
  }
}
