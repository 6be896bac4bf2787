/**
 * `npm run migrate [-- --service <name>]`: runs pending migrations of every service (or one)
 * against DATABASE_URL and exits. Services migrate on start by default; platform teams that
 * prefer a Kubernetes Job before the rollout run this and set DATABASE_MIGRATIONS_RUN=false.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildDataSourceOptions, migrateServiceSchema, type ServiceDatabaseOptions } from '@tracking/db';
import { DataSource } from 'typeorm';
import { SERVICES } from './services';

const root = path.resolve(__dirname, '..');

function fail(message: string): never {
  process.stderr.write(
    `${message}\nusage: DATABASE_URL=postgres://... npm run migrate [-- --service <name>]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { service: { type: 'string' } } });
  const url = process.env.DATABASE_URL;
  if (!url) fail('DATABASE_URL is not set');
  const known = SERVICES.filter((service) => existsSync(path.join(root, service.database)));
  const selected = values.service ? known.filter((service) => service.name === values.service) : known;
  if (selected.length === 0)
    fail(`no service named ${values.service}; known: ${known.map((s) => s.name).join(', ')}`);

  for (const service of selected) {
    const module = (await import(path.join(root, service.database))) as Record<
      string,
      ServiceDatabaseOptions
    >;
    const database = Object.values(module).find((value) => typeof value?.schema === 'string');
    if (!database) throw new Error(`${service.database} exports no ServiceDatabaseOptions`);
    const dataSource = await new DataSource(
      buildDataSourceOptions(database, { url, poolSize: 1, applicationName: `${service.name}-migrate` }),
    ).initialize();
    try {
      const applied = await migrateServiceSchema(dataSource, database.schema);
      const names = applied.map((migration) => migration.name).join(', ');
      process.stdout.write(
        `${service.name} (schema ${database.schema}): ${applied.length} applied${names ? `: ${names}` : ''}\n`,
      );
    } finally {
      await dataSource.destroy();
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `migration failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
