import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { generateSigningKeyPair, mintToken } from '@tracking/auth';
import { loadConfig, type PlatformConfig } from '@tracking/config';
import { DataSource } from 'typeorm';
import { eventually } from './eventually';
import { createTestDatabase, type TestDatabase } from './infra/test-database';
import { TestKafka } from './test-kafka';

type TenantKind = 'merchant' | 'fulfillment_center';

export interface TestEnvironmentOptions<C extends PlatformConfig> {
  configClass: new () => C;
  createApp(config: C): Promise<INestApplication>;
  /** Extra variables for this service, on top of what the environment provisions. */
  env?: Record<string, string>;
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestEnvironment<C extends PlatformConfig> {
  app: INestApplication;
  config: C;
  baseUrl: string;
  database: TestDatabase;
  kafka: TestKafka;
  /** A bearer token for the tenant, valid for an hour unless `expiresIn` says otherwise ('-1h': expired). */
  tokenFor(kind: TenantKind, id: string, options?: { expiresIn?: string }): Promise<string>;
  request<T = unknown>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<HttpResult<T>>;
  /**
   * Resolves once every event the service has committed to its outbox is on the broker (or
   * abandoned as poison): with `MessageCollector.readToEnd`, how a test knows that something
   * it expects not to be published was not.
   */
  outboxRelayed(options?: { timeoutMs?: number }): Promise<void>;
  close(): Promise<void>;
}

let signingKeys: Promise<{ privateKeyPem: string; publicKeyPem: string }> | undefined;

/**
 * The one way an e2e test starts a service: the real application, on a database of its own
 * and the run's real broker, with a consumer group of its own that starts at the end of the
 * shared topics, reached over real HTTP.
 */
export async function createTestEnvironment<C extends PlatformConfig>(
  options: TestEnvironmentOptions<C>,
): Promise<TestEnvironment<C>> {
  const keys = await (signingKeys ??= generateSigningKeyPair());
  const kafka = new TestKafka();
  const consumerGroup = `test-${randomUUID()}`;
  // Before the app exists, so its consumer finds the offsets committed and reads only what is
  // published from here on: this test's own events, never the backlog of the files before it.
  // Joining a group takes the broker's initial rebalance delay: spend it creating the database.
  const [database] = await Promise.all([createTestDatabase(), kafka.startGroupAtEnd(consumerGroup)]);
  const config = loadConfig(options.configClass, {
    ...process.env,
    PORT: '0',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: String(database.poolSize),
    KAFKA_IDEMPOTENT: process.env.TEST_KAFKA_KIND === 'local-broker' ? 'false' : 'true',
    KAFKA_CONSUMER_GROUP: consumerGroup,
    AUTH_PUBLIC_KEY: keys.publicKeyPem,
    AUTH_JWKS_URL: '',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    OUTBOX_POLL_INTERVAL_MS: '100',
    // The local mock broker holds each fetch for the whole wait; a real broker answers at once.
    KAFKA_FETCH_MAX_WAIT_MS: process.env.TEST_KAFKA_KIND === 'local-broker' ? '100' : '1000',
    ...options.env,
  });
  const app = await options.createApp(config);
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  const environment: TestEnvironment<C> = {
    app,
    config,
    baseUrl,
    database,
    kafka,
    tokenFor: (kind, id, { expiresIn = '1h' } = {}) =>
      mintToken({ kind, id }, keys.privateKeyPem, { expiresIn }),
    async request<T>(
      method: string,
      path: string,
      {
        token,
        body,
        rawBody,
        headers = {},
      }: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
    ): Promise<HttpResult<T>> {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: leave the text for the assertion to show
      }
      return { status: response.status, headers: response.headers, body: parsed as T };
    },
    async outboxRelayed({ timeoutMs = 20_000 } = {}) {
      // Through the service's own pool: embedded PostgreSQL takes one connection at a time.
      const dataSource = app.get(DataSource);
      const outboxes: Array<{ schema: string }> = await dataSource.query(
        `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'outbox'`,
      );
      if (outboxes.length === 0) throw new Error('the service has no outbox table');
      const pending = outboxes
        .map(
          ({ schema }) =>
            `SELECT count(*)::int AS pending FROM "${schema}".outbox WHERE processed_at IS NULL AND abandoned_at IS NULL`,
        )
        .join(' UNION ALL ');
      await eventually(
        async () => {
          const counts: Array<{ pending: number }> = await dataSource.query(pending);
          return counts.every((count) => count.pending === 0);
        },
        { timeoutMs, intervalMs: 50, what: 'every outbox row relayed' },
      );
    },
    async close() {
      await kafka.close();
      await app.close();
      await database.drop();
    },
  };
  await waitUntilReady(environment);
  return environment;
}

async function waitUntilReady(environment: TestEnvironment<PlatformConfig>): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const result = await environment.request('GET', '/health/ready').catch((error: unknown) => error);
    if ((result as HttpResult).status === 200) return;
    last = result;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`service was not ready within 30 s: ${JSON.stringify((last as HttpResult)?.body ?? last)}`);
}
