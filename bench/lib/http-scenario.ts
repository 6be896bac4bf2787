import { randomBytes } from 'node:crypto';
import { SERVICE_FETCH_WAIT_MS } from './kafka-hop';
import { generateSigningKeyPair, mintToken } from '@tracking/auth';
import { Client } from 'pg';
import { SERVICES } from '../../scripts/services';
import { type LoadResult, type LoadTarget, runAutocannon, runPaced } from './http-load';
import type { Kafka, Postgres } from './infrastructure';
import { BENCH_MERCHANT, orderSubmission } from './orders';
import { type BenchProcess, describeExit, freePort, startProcess, waitForHttpReady } from './processes';
import { withScope } from './scope';
import type { BenchSettings } from './settings';
import { clock, round, sleep } from './stats';

export interface OutboxDrain {
  /** Rows not yet published when the load stopped. */
  backlogAtStart: number;
  /** From the end of the load until no row was left unpublished; absent if it never got there. */
  drainedInMs?: number;
  remaining: number;
}

export interface HttpTargetResult {
  target: 'order-intake' | 'bare-insert';
  poolSize: number;
  warmup: LoadResult;
  max: LoadResult;
  /** autocannon's overallRate: per-second bursts, kept because it is the usual tool's figure. */
  fixedRateAutocannon: LoadResult;
  /** The figure the latency target is judged on. */
  fixedRatePaced: LoadResult;
  /** Order-intake only: the outbox after each phase, and what the database holds at the end. */
  outbox?: {
    afterPhase: Record<string, OutboxDrain>;
    ordersStored: number;
    ordersCreated: number;
    outboxRows: number;
    unpublished: number;
    abandoned: number;
  };
  processWarnings: { count: number; first: string[] };
}

export interface HttpScenarioResult {
  baseline: HttpTargetResult;
  service: HttpTargetResult;
}

type Phase = 'warmup' | 'max' | 'fixedRateAutocannon' | 'fixedRatePaced';

async function measure(
  target: LoadTarget,
  proc: BenchProcess,
  settings: BenchSettings,
  log: (line: string) => void,
  afterPhase: (phase: Phase) => Promise<void>,
): Promise<Pick<HttpTargetResult, Phase>> {
  const run = async (phase: Phase, load: () => Promise<LoadResult>): Promise<LoadResult> => {
    const result = await load();
    if (proc.exited()) throw new Error(describeExit(proc));
    log(
      `  ${phase}: ${result.createdPerSecond} created/s, p50 ${result.latency.p50Ms} ms, ` +
        `p99 ${result.latency.p99Ms} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
    );
    await afterPhase(phase);
    return result;
  };
  const { connections, durationS, rate } = settings;
  return {
    warmup: await run('warmup', () => runAutocannon(target, { connections, durationS: settings.warmupS })),
    max: await run('max', () => runAutocannon(target, { connections, durationS })),
    fixedRateAutocannon: await run('fixedRateAutocannon', () =>
      runAutocannon(target, { connections, durationS, overallRate: rate }),
    ),
    fixedRatePaced: await run('fixedRatePaced', () => runPaced(target, { rate, durationS })),
  };
}

async function countUnpublished(client: Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM order_intake.outbox WHERE processed_at IS NULL AND abandoned_at IS NULL',
  );
  return rows[0]!.n;
}

/** Waits for the relay to publish what the load left behind, so the next phase starts level. */
async function waitForDrain(client: Client, timeoutMs: number): Promise<OutboxDrain> {
  const startedAt = clock();
  const backlogAtStart = await countUnpublished(client);
  let remaining = backlogAtStart;
  while (remaining > 0 && clock() - startedAt < timeoutMs) {
    await sleep(100);
    remaining = await countUnpublished(client);
  }
  return {
    backlogAtStart,
    ...(remaining === 0 ? { drainedInMs: Math.round(clock() - startedAt) } : {}),
    remaining,
  };
}

export async function runHttpScenario(
  postgres: Postgres,
  kafka: Kafka,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<HttpScenarioResult> {
  const keys = await generateSigningKeyPair();
  const token = await mintToken({ kind: 'merchant', id: BENCH_MERCHANT }, keys.privateKeyPem, {
    expiresIn: '6h',
  });
  const runId = randomBytes(4).toString('hex');
  let sequence = 0;
  const target = (baseUrl: string): LoadTarget => ({
    baseUrl,
    headers: { authorization: `Bearer ${token}` },
    nextBody: () => JSON.stringify(orderSubmission(`BENCH-${runId}-${++sequence}`)),
  });

  log('HTTP baseline: bare node:http handler, one INSERT per request');
  const baseline = await withScope(log, async (scope): Promise<HttpTargetResult> => {
    const database = await postgres.createDatabase(scope, 'bare_insert');
    const port = await freePort();
    const proc = startProcess('bare insert server', 'bench/children/bare-insert-server.ts', {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: String(database.poolSize),
    });
    scope.defer('bare insert server', () => proc.stop());
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttpReady(proc, baseUrl);
    const phases = await measure(target(baseUrl), proc, settings, log, () => sleep(2_000));
    return {
      target: 'bare-insert',
      poolSize: database.poolSize,
      ...phases,
      processWarnings: { count: proc.output.warningCount, first: proc.output.warnings },
    };
  });

  log('order-intake: the real service, started as scripts/start.ts starts it');
  const service = await withScope(log, async (scope): Promise<HttpTargetResult> => {
    const definition = SERVICES.find((candidate) => candidate.name === 'order-intake');
    if (!definition) throw new Error('order-intake is not in scripts/services.ts');
    const database = await postgres.createDatabase(scope, 'order_intake');
    const port = await freePort();
    const proc = startProcess('order-intake', definition.entry, {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: String(database.poolSize),
      KAFKA_BROKERS: kafka.brokers,
      ...(kafka.idempotent ? {} : { KAFKA_IDEMPOTENT: 'false' }),
      KAFKA_FETCH_MAX_WAIT_MS: String(SERVICE_FETCH_WAIT_MS),
      // Its consumer must not join (and rebalance) a real deployment's group on a shared cluster.
      KAFKA_CONSUMER_GROUP: `bench-order-intake-${runId}`,
      AUTH_PUBLIC_KEY: keys.publicKeyPem,
      AUTH_JWKS_URL: '',
      LOG_LEVEL: 'warn',
    });
    scope.defer('order-intake', () => proc.stop());
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttpReady(proc, baseUrl);

    const client = new Client({ connectionString: database.url });
    await client.connect();
    scope.defer('order-intake database client', () => client.end());
    const afterPhase: Record<string, OutboxDrain> = {};
    const phases = await measure(target(baseUrl), proc, settings, log, async (phase) => {
      const drain = await waitForDrain(client, 120_000);
      afterPhase[phase] = drain;
      log(
        `    outbox: ${drain.backlogAtStart} unpublished when the load stopped, ` +
          (drain.drainedInMs === undefined
            ? `${drain.remaining} still unpublished after 120 s`
            : `drained in ${round(drain.drainedInMs / 1_000, 1)} s`),
      );
    });
    const { rows } = await client.query<{
      orders: number;
      outbox: number;
      unpublished: number;
      abandoned: number;
    }>(`SELECT (SELECT count(*)::int FROM order_intake.orders) AS orders,
               (SELECT count(*)::int FROM order_intake.outbox) AS outbox,
               (SELECT count(*)::int FROM order_intake.outbox WHERE processed_at IS NULL AND abandoned_at IS NULL) AS unpublished,
               (SELECT count(*)::int FROM order_intake.outbox WHERE abandoned_at IS NOT NULL) AS abandoned`);
    const totals = rows[0]!;
    const ordersCreated = Object.values(phases).reduce(
      (sum, phase) => sum + (phase.statusCounts['201'] ?? 0),
      0,
    );
    return {
      target: 'order-intake',
      poolSize: database.poolSize,
      ...phases,
      outbox: {
        afterPhase,
        ordersStored: totals.orders,
        ordersCreated,
        outboxRows: totals.outbox,
        unpublished: totals.unpublished,
        abandoned: totals.abandoned,
      },
      processWarnings: { count: proc.output.warningCount, first: proc.output.warnings },
    };
  });

  return { baseline, service };
}
