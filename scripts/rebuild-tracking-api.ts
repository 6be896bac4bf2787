/**
 * `npm run rebuild:tracking-api -- --yes [--allow-loss]`: replaces tracking-api's read model
 * (tracking_api.events, orders, status_changes) with one replayed from the tracking topics, from
 * their beginning to their end as of the start, in one transaction. Buyers' feedback and delivery
 * change requests are kept. Reads DATABASE_URL, KAFKA_BROKERS, the KAFKA_SSL/SASL variables and
 * the ETA_* variables of tracking-api: give it the service's own, or the estimates will differ.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '@tracking/config';
import { buildDataSourceOptions } from '@tracking/db';
import { kafkaConnectionSettings } from '@tracking/kafka';
import { DataSource } from 'typeorm';
import { TrackingApiConfig } from '../services/tracking-api/src/config/tracking-api.config';
import { parseEtaSettings } from '../services/tracking-api/src/domain/delivery-estimate';
import { TRACKING_API_DATABASE } from '../services/tracking-api/src/persistence/database';
import {
  rebuildReadModel,
  READ_MODEL_TOPICS,
} from '../services/tracking-api/src/use-cases/rebuild-read-model';

const USAGE =
  'usage: DATABASE_URL=... KAFKA_BROKERS=... npm run rebuild:tracking-api -- --yes [--allow-loss]';

const WARNING = `This replaces tracking-api's read model (tracking_api.events, orders, status_changes) with
one replayed from ${READ_MODEL_TOPICS.join(', ')}.
- It is one transaction: while it runs, pages and APIs keep answering from the old read model and
  tracking-api's consumers wait; it commits only if every partition was read to its end.
- Facts the topics no longer hold (retention) would be lost: the rebuild refuses to commit
  without one of them unless --allow-loss is given.
- Status changes are not published again. Every order gets one new status version.
Run again with --yes to go ahead.
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        yes: { type: 'boolean', default: false },
        'allow-loss': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (!process.env.DATABASE_URL) fail('DATABASE_URL is not set');
  if (!process.env.KAFKA_BROKERS) fail('KAFKA_BROKERS is not set');
  if (!values.yes) {
    process.stderr.write(WARNING);
    process.exit(2);
  }

  // The HTTP-side variables do not matter here; placeholders let validation pass.
  const config = loadConfig(TrackingApiConfig, {
    PORT: '0',
    AUTH_JWKS_URL: 'https://unused.invalid/jwks',
    ...process.env,
    SERVICE_NAME: 'tracking-api',
  });
  const dataSource = await new DataSource(
    buildDataSourceOptions(TRACKING_API_DATABASE, {
      url: config.DATABASE_URL,
      poolSize: 1,
      applicationName: 'tracking-api-rebuild',
    }),
  ).initialize();
  try {
    if (await dataSource.showMigrations())
      fail('tracking-api has pending migrations: run `npm run migrate` first');
    const result = await rebuildReadModel({
      dataSource,
      kafka: kafkaConnectionSettings(config),
      eta: {
        productionDays: config.ETA_PRODUCTION_DAYS,
        ...parseEtaSettings(config.ETA_TRANSIT_TABLE, config.ETA_PRODUCTION_DAYS_BY_CENTRE),
      },
      config,
      allowLoss: values['allow-loss'],
      log: (line) => process.stderr.write(`${line}\n`),
    });
    for (const [topic, messages] of Object.entries(result.topics)) {
      process.stdout.write(`${topic}: ${messages} messages\n`);
    }
    process.stdout.write(
      `events: ${result.before.events} before, ${result.after.events} after\n` +
        `orders: ${result.before.orders} before, ${result.after.orders} after` +
        ` (${result.after.awaitingOrder} more orders have facts but no order.received yet)\n` +
        `skipped: ${result.undecodable} undecodable, ${result.failed} refused by the projection\n` +
        `lost: ${result.lost} facts of the old read model that the topics no longer hold\n` +
        `done in ${(result.durationMs / 1_000).toFixed(1)} s\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `rebuild failed, nothing was changed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
