import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { clock, type LatencySummary, round, sleep, summarizeLatencies } from './stats';

export interface LoadTarget {
  baseUrl: string;
  headers: Record<string, string>;
  /** POST with a body (the default, for orders) or GET. */
  method?: 'GET' | 'POST';
  /** The path of every request; POST /v1/orders by default. */
  path?: string;
  /** A path per request instead, e.g. GET over many tracking tokens. */
  nextPath?(): string;
  /** A fresh body per POST: every order needs an externalOrderId of its own. */
  nextBody?(): string;
  /** The status of a successful answer: 201 for an order (the default), 200 for a read. */
  expectedStatus?: number;
}

export interface LoadResult {
  tool: 'autocannon' | 'paced';
  connections: number;
  /** Requested rate; absent for a closed-loop run at full speed. */
  offeredRate?: number;
  durationS: number;
  responses: number;
  statusCounts: Record<string, number>;
  /** 201 Created per second over the run: orders accepted. */
  createdPerSecond: number;
  /** Answers with the target's expected status (201 for orders, 200 for reads) per second. */
  okPerSecond: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: LatencySummary;
}

const PATH = '/v1/orders';

const methodOf = (target: LoadTarget): 'GET' | 'POST' => target.method ?? 'POST';
const bodyOf = (target: LoadTarget): string | undefined =>
  methodOf(target) === 'POST' ? (target.nextBody?.() ?? '') : undefined;
const pathOf = (target: LoadTarget): string => target.nextPath?.() ?? target.path ?? PATH;

/** Closed loop (each connection sends its next request when the previous one is answered), or capped by overallRate. */
export async function runAutocannon(
  target: LoadTarget,
  options: { connections: number; durationS: number; overallRate?: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url: target.baseUrl,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    ...(options.overallRate
      ? {
          overallRate: options.overallRate,
          // autocannon corrects with an expected interval of ceil(1 / rate) ms, always 1 ms: the
          // "corrected" percentiles are made-up samples, so keep the measured ones.
          ignoreCoordinatedOmission: true,
        }
      : {}),
    requests: [
      {
        method: methodOf(target),
        path: target.path ?? PATH,
        headers: {
          ...(methodOf(target) === 'POST' ? { 'content-type': 'application/json' } : {}),
          ...target.headers,
        },
        setupRequest: (request) => {
          const body = bodyOf(target);
          return {
            ...request,
            ...(target.nextPath ? { path: target.nextPath() } : {}),
            ...(body === undefined ? {} : { body }),
          };
        },
      },
    ],
  });
  const statusCounts = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, Number(count)]),
  );
  const created = statusCounts['201'] ?? 0;
  const ok = statusCounts[String(target.expectedStatus ?? 201)] ?? 0;
  const responses = Object.values(statusCounts).reduce((total, count) => total + count, 0);
  return {
    tool: 'autocannon',
    connections: options.connections,
    ...(options.overallRate ? { offeredRate: options.overallRate } : {}),
    durationS: result.duration,
    responses,
    statusCounts,
    createdPerSecond: round(created / result.duration, 1),
    okPerSecond: round(ok / result.duration, 1),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: {
      count: responses,
      p50Ms: result.latency.p50,
      p90Ms: result.latency.p90,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      meanMs: round(result.latency.average),
    },
  };
}

/**
 * Open loop at a steady rate: request i leaves at start + i/rate whether or not earlier ones
 * were answered, and its latency counts from that intended moment, so a stall shows up in the
 * percentiles instead of quietly lowering the rate (coordinated omission). autocannon's
 * overallRate cannot do this: each connection sends its share of a second back to back, then
 * waits for the next second, so "1,000/s" is bursts at full concurrency.
 */
export async function runPaced(
  target: LoadTarget,
  options: { rate: number; durationS: number; maxSockets?: number },
): Promise<LoadResult> {
  const url = new URL(target.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const total = Math.round(options.rate * options.durationS);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let lastAnswerAt = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (intendedAt: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const body = bodyOf(target);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: pathOf(target),
          method: methodOf(target),
          agent,
          headers: {
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
            ...target.headers,
          },
        },
        (response) => {
          response.resume();
          response.once('end', () => {
            lastAnswerAt = clock();
            latencies.push(lastAnswerAt - intendedAt);
            const status = String(response.statusCode);
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.setTimeout(10_000, () => {
        timeouts += 1;
        req.destroy(new Error('timed out'));
      });
      req.once('error', () => {
        errors += 1;
        resolve();
      });
      req.end(body);
    });

  const startedAt = clock();
  const interval = 1_000 / options.rate;
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((clock() - startedAt) / interval) + 1);
    for (; sent < due; sent += 1) {
      const pending = send(startedAt + sent * interval);
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  agent.destroy();

  const durationS = (Math.max(lastAnswerAt, startedAt + options.durationS * 1_000) - startedAt) / 1_000;
  const created = statusCounts['201'] ?? 0;
  const ok = statusCounts[String(target.expectedStatus ?? 201)] ?? 0;
  const responses = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
  return {
    tool: 'paced',
    connections: options.maxSockets ?? 256,
    offeredRate: options.rate,
    durationS: round(durationS),
    responses,
    statusCounts,
    createdPerSecond: round(created / durationS, 1),
    okPerSecond: round(ok / durationS, 1),
    non2xx:
      responses - Object.entries(statusCounts).reduce((n, [s, c]) => (s.startsWith('2') ? n + c : n), 0),
    errors,
    timeouts,
    latency: summarizeLatencies(latencies),
  };
}
