import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres, startLocalBroker } from '@tracking/testing';
import { Client } from 'pg';
import type { Scope } from './scope';

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
/** What the services get against a real server (their default); embedded PGlite takes one. */
const SERVER_POOL_SIZE = 10;

export type PostgresKind = 'DATABASE_URL' | 'local' | 'embedded';
export type KafkaKind = 'KAFKA_BROKERS' | 'local-broker';

export interface BenchDatabase {
  name: string;
  url: string;
  poolSize: number;
}

export interface Postgres {
  kind: PostgresKind;
  /** Version and the settings that move write throughput most, for the report. */
  details: Record<string, string>;
  /** A fresh, empty database, dropped when the scope closes. */
  createDatabase(scope: Scope, label: string): Promise<BenchDatabase>;
}

export interface Kafka {
  kind: KafkaKind;
  brokers: string;
  /** The local mock cluster cannot serve idempotent producers (see scripts/start.ts). */
  idempotent: boolean;
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function serverDetails(url: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const details: Record<string, string> = {};
    for (const setting of [
      'server_version',
      'max_connections',
      'shared_buffers',
      'synchronous_commit',
      'fsync',
    ]) {
      const { rows } = await client.query<Record<string, string>>(`SHOW ${setting}`);
      details[setting] = rows[0]?.[setting] ?? '';
    }
    return details;
  } finally {
    await client.end();
  }
}

function databaseUrl(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(baseUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * DATABASE_URL if set, else the local server if it answers, else embedded PGlite.
 * BENCH_POSTGRES=embedded forces PGlite, to try the benchmark where no server can be started.
 */
export async function choosePostgres(log: (line: string) => void): Promise<Postgres> {
  const forceEmbedded = process.env.BENCH_POSTGRES === 'embedded';
  const configured = forceEmbedded ? undefined : process.env.DATABASE_URL;
  const baseUrl =
    configured || (!forceEmbedded && (await answers(LOCAL_POSTGRES)) ? LOCAL_POSTGRES : undefined);
  if (baseUrl) {
    const kind: PostgresKind = configured ? 'DATABASE_URL' : 'local';
    return {
      kind,
      details: await serverDetails(baseUrl),
      async createDatabase(scope, label) {
        // Identifiers cannot be bound as parameters: the name is built from safe characters only.
        const name = `bench_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
        await adminQuery(baseUrl, `CREATE DATABASE ${name}`);
        scope.defer(`database ${name}`, () =>
          adminQuery(baseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        );
        log(`database ${name} created`);
        return { name, url: databaseUrl(baseUrl, name), poolSize: SERVER_POOL_SIZE };
      },
    };
  }
  log(
    `${forceEmbedded ? 'BENCH_POSTGRES=embedded' : 'no PostgreSQL answers'}: using embedded PGlite; ` +
      'figures will not be representative',
  );
  return {
    kind: 'embedded',
    details: { server: 'PGlite (embedded, single session, served over the wire protocol)' },
    async createDatabase(scope, label) {
      const embedded = await startEmbeddedPostgres();
      scope.defer(`embedded PostgreSQL for ${label}`, () => embedded.stop());
      return { name: `embedded-${label}`, url: embedded.url, poolSize: 1 };
    },
  };
}

/** KAFKA_BROKERS if set, else the local Kafka-protocol broker, stopped when the scope closes. */
export async function chooseKafka(scope: Scope, log: (line: string) => void): Promise<Kafka> {
  const configured = process.env.KAFKA_BROKERS;
  if (configured) {
    return {
      kind: 'KAFKA_BROKERS',
      brokers: configured,
      idempotent: process.env.KAFKA_IDEMPOTENT !== 'false',
    };
  }
  const broker = await startLocalBroker();
  scope.defer('local Kafka-protocol broker', () => broker.stop());
  log(`local Kafka-protocol broker (librdkafka mock cluster) at ${broker.bootstrapServers}`);
  return { kind: 'local-broker', brokers: broker.bootstrapServers, idempotent: false };
}
