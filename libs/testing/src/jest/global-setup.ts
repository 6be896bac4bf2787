import { provisionTestInfrastructure, type ProvisionedInfrastructure } from '../infra/test-infrastructure';

declare global {
  var __TRACKING_TEST_INFRA__: ProvisionedInfrastructure | undefined;
}

/** Runs once per jest run; workers inherit the environment set here. */
export default async function globalSetup(): Promise<void> {
  const infra = await provisionTestInfrastructure();
  globalThis.__TRACKING_TEST_INFRA__ = infra;
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  if (infra.databaseUrl) process.env.DATABASE_URL = infra.databaseUrl;
  process.env.TEST_DATABASE_KIND = infra.databaseKind;
  process.env.TEST_KAFKA_KIND = infra.kafkaKind;
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  // One line so every CI log says which real infrastructure the suite ran against.
  console.log(
    `\n[test infrastructure] PostgreSQL: ${infra.databaseKind}; Kafka: ${infra.kafkaKind} (${infra.kafkaBrokers})`,
  );
}
