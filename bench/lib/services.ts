import path from 'node:path';
import { SERVICE_FETCH_WAIT_MS } from './kafka-hop';
import { TOPICS } from '@tracking/events';
import { TestKafka } from '@tracking/testing';
import type { Admin } from 'kafkajs';
import { Client } from 'pg';
import { SERVICES } from '../../scripts/services';
import type { BenchDatabase, Kafka, Postgres } from './infrastructure';
import { type BenchProcess, describeExit, freePort, ROOT, startProcess, waitForHttpReady } from './processes';
import type { Scope } from './scope';
import { clock, round } from './stats';

export type ServiceName =
  'order-intake' | 'production-status' | 'carrier-ingest' | 'tracking-api' | 'notification';

/** The topics each service consumes: its @EventPattern handlers. */
const CONSUMED_TOPICS: Record<ServiceName, readonly string[]> = {
  'order-intake': [TOPICS.production],
  'production-status': [TOPICS.orders, TOPICS.carrierScans],
  'carrier-ingest': [TOPICS.shipments, TOPICS.production],
  'tracking-api': [
    TOPICS.orders,
    TOPICS.production,
    TOPICS.shipments,
    TOPICS.carrierScans,
    TOPICS.notifications,
  ],
  notification: [TOPICS.orders, TOPICS.status],
};

export interface RunningService {
  name: ServiceName;
  proc: BenchProcess;
  baseUrl: string;
  database: BenchDatabase;
  /** A connection of the benchmark's own to the service's database, for counting rows. */
  client: Client;
  consumerGroup: string;
  /** How long positioning its consumer group at the end of the topics took. */
  positionedInMs: number;
  /** Throws the service's last output if it has died. */
  assertAlive(): void;
}

/**
 * Commits the group's offsets at the current end of every tracking topic before the service
 * starts, so its consumer (which starts a new group at the beginning) does not first work through
 * what earlier scenarios left on the topics: the bare handlers' raw messages among it, which it
 * would dead-letter one by one. Anything published after this is consumed as usual.
 */
export async function positionGroupAtEnd(kafka: Kafka, groupId: string): Promise<void> {
  const positioner = new TestKafka(kafka.brokers);
  try {
    await positioner.startGroupAtEnd(groupId);
  } finally {
    await positioner.close();
  }
}

/**
 * Starts one of the real services as scripts/start.ts starts it (own process, own database, pool
 * of the server default, LOG_LEVEL=warn), with a consumer group of its own positioned at the end
 * of the topics, and waits until /health/ready answers (its consumer has joined).
 */
export async function startService(
  scope: Scope,
  options: {
    name: ServiceName;
    postgres: Postgres;
    kafka: Kafka;
    runId: string;
    publicKeyPem: string;
    env?: Record<string, string>;
    log: (line: string) => void;
  },
): Promise<RunningService> {
  const { name, postgres, kafka } = options;
  const definition = SERVICES.find((candidate) => candidate.name === name);
  if (!definition) throw new Error(`${name} is not in scripts/services.ts`);
  const database = await postgres.createDatabase(scope, name.replace(/-/g, '_'));
  // Its consumer must not join (and rebalance) a real deployment's group on a shared cluster.
  const consumerGroup = `bench-${name}-${options.runId}`;
  const positionStarted = clock();
  await positionGroupAtEnd(kafka, consumerGroup);
  const positionedInMs = Math.round(clock() - positionStarted);
  const port = await freePort();
  // BENCH_CPU_PROFILE=carrier-ingest,tracking-api: V8 CPU profiles in tmp/bench-profiles (git-ignored),
  // written when the service exits.
  const profiled = (process.env.BENCH_CPU_PROFILE ?? '').split(',').map((entry) => entry.trim());
  const profileDir = path.join(ROOT, 'tmp', 'bench-profiles');
  const proc = startProcess(name, definition.entry, {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: String(database.poolSize),
    KAFKA_BROKERS: kafka.brokers,
    ...(kafka.idempotent ? {} : { KAFKA_IDEMPOTENT: 'false' }),
    KAFKA_FETCH_MAX_WAIT_MS: String(SERVICE_FETCH_WAIT_MS),
    KAFKA_CONSUMER_GROUP: consumerGroup,
    AUTH_PUBLIC_KEY: options.publicKeyPem,
    AUTH_JWKS_URL: '',
    LOG_LEVEL: 'warn',
    ...(profiled.includes(name)
      ? {
          NODE_OPTIONS:
            `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${profileDir} --cpu-prof-name=${name}-${options.runId}.cpuprofile`.trim(),
        }
      : {}),
    ...options.env,
  });
  scope.defer(name, () => proc.stop());
  const baseUrl = `http://127.0.0.1:${port}`;
  const startedAt = clock();
  await waitForHttpReady(proc, baseUrl);
  options.log(
    `  ${name} ready in ${round((clock() - startedAt) / 1_000, 1)} s ` +
      `(consumer group positioned at the end of the topics in ${round(positionedInMs / 1_000, 1)} s)`,
  );
  const client = new Client({ connectionString: database.url });
  await client.connect();
  scope.defer(`${name} database client`, () => client.end());
  return {
    name,
    proc,
    baseUrl,
    database,
    client,
    consumerGroup,
    positionedInMs,
    assertAlive: () => {
      if (proc.exited()) throw new Error(describeExit(proc));
    },
  };
}

/** Polls a count until it reaches `expected`, failing early if the service dies. */
export async function waitForCount(
  service: RunningService,
  what: string,
  count: () => Promise<number>,
  expected: number,
  timeoutMs: number,
): Promise<number> {
  const startedAt = clock();
  for (;;) {
    service.assertAlive();
    const n = await count();
    if (n >= expected) return Math.round(clock() - startedAt);
    if (clock() - startedAt > timeoutMs)
      throw new Error(`${service.name} had ${n} of ${expected} ${what} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function processWarnings(proc: BenchProcess): { count: number; first: string[] } {
  return { count: proc.output.warningCount, first: proc.output.warnings };
}

/** Messages on its topics a service's group has not committed yet, and outbox rows not published. */
export async function backlogOf(
  service: RunningService,
  admin: Admin,
): Promise<{ consumerLag: number; unpublished: number }> {
  const topics = CONSUMED_TOPICS[service.name];
  let consumerLag = 0;
  const committed = await admin.fetchOffsets({ groupId: service.consumerGroup, topics: [...topics] });
  for (const { topic, partitions } of committed) {
    const high = new Map(
      (await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, Number(entry.high)]),
    );
    for (const { partition, offset } of partitions)
      consumerLag += Math.max(0, (high.get(partition) ?? 0) - Math.max(0, Number(offset)));
  }
  const schema = service.name.replace(/-/g, '_');
  const { rows } = await service.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE processed_at IS NULL AND abandoned_at IS NULL`,
  );
  return { consumerLag, unpublished: rows[0]!.n };
}

/**
 * Waits until every service has consumed everything on its topics and published its outbox, so
 * the next measurement starts level; returns how long that took.
 */
export async function waitForQuiet(
  services: readonly RunningService[],
  admin: Admin,
  timeoutMs: number,
): Promise<number> {
  const startedAt = clock();
  for (;;) {
    for (const service of services) service.assertAlive();
    const backlogs = await Promise.all(services.map((service) => backlogOf(service, admin)));
    if (backlogs.every((backlog) => backlog.consumerLag === 0 && backlog.unpublished === 0))
      return Math.round(clock() - startedAt);
    if (clock() - startedAt > timeoutMs) {
      throw new Error(
        `the services were still busy after ${timeoutMs / 1000} s: ` +
          services
            .map(
              (service, index) =>
                `${service.name} ${backlogs[index]!.consumerLag} messages behind, ${backlogs[index]!.unpublished} unpublished`,
            )
            .join('; '),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
