import { dockerEngineAnswers } from './docker';
import { startLocalBroker } from './local-broker';

/**
 * Chooses the real PostgreSQL and Kafka-protocol broker the whole test run uses, in the
 * order DESIGN.md gives: what the environment names, else Testcontainers where a Docker
 * engine answers, else the embedded/local fallback. Never an in-memory fake.
 */
export interface ProvisionedInfrastructure {
  databaseUrl?: string; // undefined: each test file starts its own embedded PGlite
  databaseKind: 'external' | 'testcontainers' | 'embedded';
  kafkaBrokers: string;
  kafkaKind: 'external' | 'testcontainers' | 'local-broker';
  stop(): Promise<void>;
}

export async function provisionTestInfrastructure(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProvisionedInfrastructure> {
  const stops: Array<() => Promise<unknown>> = [];
  let docker: boolean | undefined;
  const hasDocker = async (): Promise<boolean> => (docker ??= await dockerEngineAnswers());

  let databaseUrl = env.DATABASE_URL;
  let databaseKind: ProvisionedInfrastructure['databaseKind'] = 'external';
  if (!databaseUrl) {
    if (await hasDocker()) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:17-alpine').start();
      stops.push(() => container.stop());
      databaseUrl = container.getConnectionUri();
      databaseKind = 'testcontainers';
    } else {
      databaseKind = 'embedded';
    }
  }

  let kafkaBrokers = env.KAFKA_BROKERS;
  let kafkaKind: ProvisionedInfrastructure['kafkaKind'] = 'external';
  if (!kafkaBrokers) {
    if (await hasDocker()) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = await new KafkaContainer('apache/kafka:4.1.0').withKraft().start();
      stops.push(() => container.stop());
      kafkaBrokers = `${container.getHost()}:${container.getMappedPort(9093)}`;
      kafkaKind = 'testcontainers';
    } else {
      const broker = await startLocalBroker();
      stops.push(() => broker.stop());
      kafkaBrokers = broker.bootstrapServers;
      kafkaKind = 'local-broker';
    }
  }

  return {
    databaseUrl,
    databaseKind,
    kafkaBrokers,
    kafkaKind,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
