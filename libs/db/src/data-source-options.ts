import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface ServiceDatabaseOptions {
  /** The PostgreSQL schema this service owns; no other service reads or writes it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

export interface ConnectionSettings {
  url: string;
  poolSize: number;
  applicationName: string;
}

/**
 * One place that turns a service's schema and the platform settings into TypeORM options,
 * shared by the running service, the migrate command and tests. `synchronize` stays off:
 * the schema only ever changes through migrations.
 */
export function buildDataSourceOptions(
  service: ServiceDatabaseOptions,
  connection: ConnectionSettings,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: connection.url,
    schema: service.schema,
    entities: service.entities,
    migrations: service.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    applicationName: connection.applicationName,
    extra: {
      max: connection.poolSize,
      // A pool that cannot reach the database must fail a request, not hang it.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    },
  };
}
