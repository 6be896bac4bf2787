/**
 * `npm run dead-letters:replay -- --service <name> [--limit N] [--error-code CODE] [--reason-contains TEXT]
 * [--since ISO-TIME]`: once the cause of a dead letter is fixed, republishes the service's dead
 * letters to the topics they came from, with their original keys and headers. Consumers' inboxes
 * make a letter that was already applied harmless. Reads KAFKA_BROKERS and the KAFKA_SSL/SASL
 * variables the services use.
 *
 * notification's own letters (sends that used up their attempts, `notification:dispatch`) are
 * put back in its delivery queue instead, in the service's database: DATABASE_URL is then
 * required, and a delivery already put back is left alone, so a second run sends nothing twice.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig, PlatformConfig } from '@tracking/config';
import { buildDataSourceOptions, UnitOfWork } from '@tracking/db';
import { kafkaConnectionSettings, replayDeadLetters, type DeadLetter, type Redeliver } from '@tracking/kafka';
import { DataSource } from 'typeorm';
import { NOTIFICATION_DATABASE } from '../services/notification/src/persistence/database';
import { NotificationRepository } from '../services/notification/src/persistence/notification.repository';
import { DISPATCH_ORIGIN } from '../services/notification/src/use-cases/dispatch-notifications';
import { RequeueDeadLettersUseCase } from '../services/notification/src/use-cases/requeue-dead-letters';

const USAGE =
  'usage: npm run dead-letters:replay -- --service <name> [--limit N] [--error-code CODE] [--reason-contains TEXT] [--since ISO-TIME]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        service: { type: 'string' },
        limit: { type: 'string' },
        'error-code': { type: 'string' },
        'reason-contains': { type: 'string' },
        since: { type: 'string' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (!values.service) fail('--service is required');
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    fail('--limit must be a positive integer');
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && Number.isNaN(since.getTime())) fail('--since must be an ISO 8601 time');

  const ownLetters = values.service === 'notification';
  if (ownLetters && !process.env.DATABASE_URL)
    fail("DATABASE_URL (notification's database) is required to replay notification's dead letters");

  // Only the Kafka variables matter here; the others get placeholders so validation passes.
  const config = loadConfig(PlatformConfig, {
    PORT: '0',
    DATABASE_URL: 'postgres://unused',
    AUTH_JWKS_URL: 'https://unused.invalid/jwks',
    ...process.env,
    SERVICE_NAME: `${values.service}-dead-letter-replay`,
  });
  const { brokers, ...connection } = kafkaConnectionSettings(config);
  const errorCode = values['error-code'];
  const reasonContains = values['reason-contains'];
  const filter = (letter: DeadLetter): boolean =>
    (errorCode === undefined || letter.errorCode === errorCode) &&
    (reasonContains === undefined || (letter.reason ?? '').includes(reasonContains)) &&
    (since === undefined || (letter.deadLetteredAt !== undefined && letter.deadLetteredAt >= since));

  const dataSource = ownLetters
    ? await new DataSource(
        buildDataSourceOptions(NOTIFICATION_DATABASE, {
          url: config.DATABASE_URL,
          poolSize: 1,
          applicationName: 'notification-dead-letter-replay',
        }),
      ).initialize()
    : undefined;
  try {
    const redeliver: Record<string, Redeliver> = {};
    if (dataSource) {
      const requeue = new RequeueDeadLettersUseCase(new UnitOfWork(dataSource), new NotificationRepository());
      redeliver[DISPATCH_ORIGIN] = (letters) => requeue.execute(letters);
    }
    const result = await replayDeadLetters({
      service: values.service,
      brokers,
      connection,
      ...(limit === undefined ? {} : { limit }),
      filter,
      redeliver,
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await dataSource?.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `replay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
