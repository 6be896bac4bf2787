import { randomBytes } from 'node:crypto';
import { generateSigningKeyPair } from '@tracking/auth';
import { Client } from 'pg';
import { TrackingApiConfig } from '../../services/tracking-api/src/config/tracking-api.config';
import { type LoadResult, type LoadTarget, runAutocannon, runPaced } from './http-load';
import type { Kafka, Postgres } from './infrastructure';
import { upsTrackingNumbers } from './production-events';
import { type BenchProcess, describeExit, freePort, startProcess, waitForHttpReady } from './processes';
import { withScope } from './scope';
import { processWarnings, startService, waitForCount } from './services';
import type { BenchSettings } from './settings';
import { clock, round } from './stats';
import { byTopic, type FedOrder, newFedOrder, orderInTransit } from './tracking-feed';
import { runVisibility, type VisibilityResult } from './visibility';
import { publishEnvelopes } from './webhooks';

const MERCHANT = 'bench-merchant';
const PROJECTED_TIMEOUT_MS = 600_000;
/** UPS serials of this scenario, apart from the other scenarios'. */
const FIRST_SERIAL = 300_000_000;

type Phase = 'warmup' | 'max' | 'paced';

export interface TrackingTargetResult {
  target: 'tracking-api' | 'bare-handler';
  poolSize: number;
  warmup: LoadResult;
  max: LoadResult;
  /** Open loop at the fixed rate: the figure the latency target is judged on. */
  paced: LoadResult;
  processWarnings: { count: number; first: string[] };
}

export interface TrackingScenarioResult {
  orders: number;
  eventsFed: number;
  meanViewBytes: number;
  /** TRACK_RESPONSE_FLOOR_MS the service ran with: every token lookup takes at least this long. */
  responseFloorMs: number;
  baseline: TrackingTargetResult;
  service: TrackingTargetResult & {
    /** From publishing the events until tracking-api had stored and projected all of them. */
    projectedInMs: number;
  };
  visibility?: VisibilityResult;
  visibilityError?: string;
}

async function measure(
  target: LoadTarget,
  proc: BenchProcess,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<Pick<TrackingTargetResult, Phase>> {
  const run = async (phase: Phase, load: () => Promise<LoadResult>): Promise<LoadResult> => {
    const result = await load();
    if (proc.exited()) throw new Error(describeExit(proc));
    log(
      `  ${phase}: ${result.okPerSecond} answered 200/s, p50 ${result.latency.p50Ms} ms, ` +
        `p99 ${result.latency.p99Ms} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
    );
    return result;
  };
  const { connections, durationS } = settings;
  return {
    warmup: await run('warmup', () => runAutocannon(target, { connections, durationS: settings.warmupS })),
    max: await run('max', () => runAutocannon(target, { connections, durationS })),
    paced: await run('paced', () => runPaced(target, { rate: settings.trackingRate, durationS })),
  };
}

export async function runTrackingScenario(
  postgres: Postgres,
  kafka: Kafka,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<TrackingScenarioResult> {
  const runId = randomBytes(4).toString('hex');
  const centre = `bench-fc-${runId}`;
  const nextNumber = upsTrackingNumbers(FIRST_SERIAL);
  const orders: FedOrder[] = Array.from({ length: settings.trackingOrders }, () => newFedOrder(nextNumber()));
  const envelopes = orders.flatMap((order) => orderInTransit(order, MERCHANT, centre));
  const responseFloorMs = Number(
    process.env.TRACK_RESPONSE_FLOOR_MS || new TrackingApiConfig().TRACK_RESPONSE_FLOOR_MS,
  );
  const target = (baseUrl: string): LoadTarget => ({
    baseUrl,
    headers: {},
    method: 'GET',
    nextPath: () => `/v1/track/${orders[Math.floor(Math.random() * orders.length)]!.token}`,
    expectedStatus: 200,
  });

  log(`tracking-api: the real service, fed ${orders.length} orders in transit (${envelopes.length} events)`);
  let views: Array<{ hash: string; view: string }> = [];
  const service = await withScope(log, async (scope): Promise<TrackingScenarioResult['service']> => {
    const keys = await generateSigningKeyPair();
    const running = await startService(scope, {
      name: 'tracking-api',
      postgres,
      kafka,
      runId,
      publicKeyPem: keys.publicKeyPem,
      log,
    });
    const publishedAt = clock();
    await publishEnvelopes(kafka, byTopic(envelopes));
    const count = async (): Promise<number> => {
      const { rows } = await running.client.query<{ events: number; orders: number }>(
        `SELECT (SELECT count(*)::int FROM tracking_api.events) AS events,
                (SELECT count(*)::int FROM tracking_api.orders) AS orders`,
      );
      // Every fact stored, and every order projected with all of them (a fact that overtook its
      // order.received is projected when the order arrives).
      return rows[0]!.orders === orders.length ? rows[0]!.events : 0;
    };
    await waitForCount(running, 'events projected', count, envelopes.length, PROJECTED_TIMEOUT_MS);
    const projectedInMs = Math.round(clock() - publishedAt);
    log(`  all projected after ${round(projectedInMs / 1_000, 1)} s`);
    const sample = await fetch(`${running.baseUrl}/v1/track/${orders[0]!.token}`);
    if (sample.status !== 200)
      throw new Error(
        `GET /v1/track/:token answered ${sample.status}: ${(await sample.text()).slice(0, 300)}`,
      );
    const { rows } = await running.client.query<{ hash: string; view: string }>(
      'SELECT tracking_token_hash AS hash, public_view::text AS view FROM tracking_api.orders',
    );
    views = rows;
    log(`  GET /v1/track/:token over ${orders.length} known tokens (response floor ${responseFloorMs} ms)`);
    const phases = await measure(target(running.baseUrl), running.proc, settings, log);
    running.assertAlive();
    return {
      target: 'tracking-api',
      poolSize: running.database.poolSize,
      ...phases,
      projectedInMs,
      processWarnings: processWarnings(running.proc),
    };
  });

  log('tracking baseline: bare node:http handler, SHA-256 of the token and one SELECT of the same view');
  const baseline = await withScope(log, async (scope): Promise<TrackingTargetResult> => {
    const database = await postgres.createDatabase(scope, 'bare_track');
    const port = await freePort();
    const proc = startProcess('bare track server', 'bench/children/bare-track-server.ts', {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: String(database.poolSize),
    });
    scope.defer('bare track server', () => proc.stop());
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttpReady(proc, baseUrl);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      for (let start = 0; start < views.length; start += 200) {
        const chunk = views.slice(start, start + 200);
        await client.query(
          `INSERT INTO track_views (token_hash, public_view) VALUES ${chunk
            .map((_, index) => `($${index * 2 + 1}, $${index * 2 + 2}::jsonb)`)
            .join(', ')}`,
          chunk.flatMap((row) => [row.hash, row.view]),
        );
      }
    } finally {
      await client.end();
    }
    const phases = await measure(target(baseUrl), proc, settings, log);
    return {
      target: 'bare-handler',
      poolSize: database.poolSize,
      ...phases,
      processWarnings: processWarnings(proc),
    };
  });

  const result: TrackingScenarioResult = {
    orders: orders.length,
    eventsFed: envelopes.length,
    meanViewBytes: Math.round(
      views.reduce((sum, row) => sum + Buffer.byteLength(row.view), 0) / Math.max(1, views.length),
    ),
    responseFloorMs,
    baseline,
    service,
  };
  try {
    result.visibility = await runVisibility(postgres, kafka, settings, log);
  } catch (error) {
    log(`visibility lag failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    result.visibilityError = error instanceof Error ? error.message : String(error);
  }
  return result;
}
