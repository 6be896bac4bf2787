import { backoffDelay } from '@tracking/errors';
import { orderSubmission } from '../../bench/lib/orders';
import { paced } from '../../bench/lib/pacing';
import { upsTrackingNumbers } from '../../bench/lib/production-events';
import { sleep } from '../../bench/lib/stats';
import {
  AGGREGATOR_SIGNATURE_HEADER,
  AGGREGATOR_WEBHOOK_PATH,
  signAggregatorBody,
} from '../../bench/lib/webhooks';
import { checkpointWebhookBody, SCANS, type ScanPlan } from './checkpoints';
import { SOAK_CENTRE, type SoakSystem } from './system';

/** What happened to one thing the soak sent, over every attempt. */
export interface Delivery {
  attempts: number;
  /** Attempts answered 5xx or 429, or with no answer at all (refused, reset, timed out). */
  retried: number;
  outcome?: 'accepted' | 'refused' | 'gave-up';
  /** Why it was refused or last failed: what a reader needs to find the cause. */
  detail?: string;
}

export type StepType = 'PRODUCTION_STARTED' | 'PRODUCTION_COMPLETED' | 'PACKED';
export const STEP_STATES: Record<StepType, string> = {
  PRODUCTION_STARTED: 'IN_PRODUCTION',
  PRODUCTION_COMPLETED: 'PRODUCTION_COMPLETED',
  PACKED: 'PACKED',
};
const STEPS: readonly StepType[] = ['PRODUCTION_STARTED', 'PRODUCTION_COMPLETED', 'PACKED'];

export interface StepRecord extends Delivery {
  type: StepType;
  eventId: string;
  occurredAt: string;
}

export interface ScanRecord extends Delivery {
  plan: ScanPlan;
  occurredAt: string;
}

/** One buyer's order from the storefront to the doorstep: everything the soak sends for it. */
export interface Journey {
  index: number;
  externalOrderId: string;
  email: string;
  /** Production reported one step per request (JSON), or all three in one CSV upload. */
  production: 'json' | 'csv';
  trackingNumber: string;
  order: Delivery & { orderIds: Set<string> };
  orderId?: string;
  token?: string;
  steps: StepRecord[];
  scans: ScanRecord[];
}

/** Seconds after a journey starts at which each of its requests is due. */
const JSON_STEP_AT_S = [1, 2, 3];
const CSV_AT_S = 2;
const SCAN_AT_S = [5, 7, 9, 11];
/** Requests a journey makes, on average over the two ways production reports. */
export const REQUESTS_PER_JOURNEY = 1 + (JSON_STEP_AT_S.length + 1) / 2 + SCAN_AT_S.length;

const RETRY = { initialDelayMs: 250, maxDelayMs: 4_000 };
const REQUEST_TIMEOUT_MS = 15_000;
const MINUTE = 60_000;

interface Answer {
  status: number;
  body: unknown;
}

/**
 * Sends one request as a real client does: an answer below 500 (other than 429) is final; a 5xx,
 * 429 or no answer at all is tried again with the same body (so the same idempotency key),
 * after Retry-After when the service gave one, until `giveUpAt`.
 */
async function deliver(
  record: Delivery,
  giveUpAt: number,
  request: { url: string; headers: Record<string, string>; body: string; contentType?: string },
): Promise<Answer | undefined> {
  for (;;) {
    record.attempts += 1;
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: { 'content-type': request.contentType ?? 'application/json', ...request.headers },
        body: request.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status < 500 && response.status !== 429) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        return { status: response.status, body };
      }
      record.detail = `${response.status} ${text.slice(0, 200)}`;
      const header = Number(response.headers.get('retry-after'));
      if (Number.isFinite(header) && header > 0) retryAfterMs = header * 1_000;
    } catch (error) {
      record.detail =
        error instanceof Error ? `${error.message} ${String(error.cause ?? '')}`.trim() : String(error);
    }
    record.retried += 1;
    const delay = Math.min(RETRY.maxDelayMs, retryAfterMs ?? backoffDelay(record.retried, RETRY));
    if (Date.now() + delay > giveUpAt) {
      record.outcome = 'gave-up';
      return undefined;
    }
    await sleep(delay);
  }
}

function refused(record: Delivery, answer: Answer): void {
  record.outcome = 'refused';
  record.detail = `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
}

/** Production answers per event; these three outcomes mean the event is kept. */
const KEPT_OUTCOMES = new Set(['accepted', 'duplicate', 'awaiting_order']);

function csvOf(orderId: string, steps: readonly StepRecord[], trackingNumber: string): string {
  const rows = steps.map((step) =>
    [
      orderId,
      step.eventId,
      step.type,
      step.occurredAt,
      'Soak 1',
      step.type === 'PACKED' ? 'ups' : '',
      step.type === 'PACKED' ? trackingNumber : '',
      step.type === 'PACKED' ? 'Ground' : '',
    ].join(','),
  );
  return ['order_id,event_id,type,occurred_at,facility,carrier,tracking_number,service_level', ...rows].join(
    '\n',
  );
}

async function at(startedAt: number, offsetS: number): Promise<void> {
  await sleep(Math.max(0, startedAt + offsetS * 1_000 - Date.now()));
}

async function runJourney(system: SoakSystem, journey: Journey, giveUpAt: () => number): Promise<void> {
  const { services } = system;
  const startedAt = Date.now();
  // Everything a journey reports happened in the last half hour, in order, to the second (a
  // checkpoint carries seconds only): nothing before its order, nothing in the future.
  const base = Math.floor(startedAt / 1_000) * 1_000 - 30 * MINUTE;
  const iso = (minutes: number): string => new Date(base + minutes * MINUTE).toISOString();
  const submission = {
    ...orderSubmission(journey.externalOrderId),
    placedAt: iso(0),
    buyer: {
      ...orderSubmission(journey.externalOrderId).buyer,
      email: journey.email,
      notificationChannels: ['email'],
    },
    fulfillmentCenterId: SOAK_CENTRE,
    promisedDeliveryDate: new Date(base + 10 * 24 * 60 * MINUTE).toISOString().slice(0, 10),
  };
  const orderAnswer = await deliver(journey.order, giveUpAt(), {
    url: `${services['order-intake'].baseUrl}/v1/orders`,
    headers: { authorization: `Bearer ${system.merchantToken}` },
    body: JSON.stringify(submission),
  });
  if (!orderAnswer) return;
  const created = orderAnswer.body as { orderId?: string; trackingToken?: string };
  if ((orderAnswer.status !== 201 && orderAnswer.status !== 200) || !created.orderId)
    return refused(journey.order, orderAnswer);
  journey.order.outcome = 'accepted';
  journey.order.orderIds.add(created.orderId);
  journey.orderId = created.orderId;
  journey.token = created.trackingToken;
  if (!journey.token) {
    journey.order.detail = 'accepted without a tracking token';
    return;
  }
  const orderId = created.orderId;

  journey.steps = STEPS.map((type, step) => ({
    type,
    eventId: `soak-${system.runId}-${journey.index}-${step}`,
    occurredAt: iso(10 + step),
    attempts: 0,
    retried: 0,
  }));
  const production = services['production-status'].baseUrl;
  const centre = { authorization: `Bearer ${system.centreToken}` };
  if (journey.production === 'json') {
    for (const [position, step] of journey.steps.entries()) {
      await at(startedAt, JSON_STEP_AT_S[position]!);
      const answer = await deliver(step, giveUpAt(), {
        url: `${production}/v1/production-events`,
        headers: centre,
        body: JSON.stringify({
          orderId,
          eventId: step.eventId,
          type: step.type,
          occurredAt: step.occurredAt,
          facility: 'Soak 1',
          ...(step.type === 'PACKED'
            ? {
                shipments: [
                  {
                    carrier: 'ups',
                    trackingNumber: journey.trackingNumber,
                    serviceLevel: 'Ground',
                    packageCount: 1,
                    weightGrams: 450,
                  },
                ],
              }
            : {}),
        }),
      });
      if (!answer) return;
      if (![200, 201, 202].includes(answer.status)) return refused(step, answer);
      step.outcome = 'accepted';
    }
  } else {
    await at(startedAt, CSV_AT_S);
    // One upload for the three steps: each row gets its own result, as a centre's system reads them.
    const upload: Delivery = { attempts: 0, retried: 0 };
    const answer = await deliver(upload, giveUpAt(), {
      url: `${production}/v1/production-events/batch`,
      headers: centre,
      contentType: 'text/csv',
      body: csvOf(orderId, journey.steps, journey.trackingNumber),
    });
    for (const step of journey.steps)
      Object.assign(step, { attempts: upload.attempts, retried: upload.retried });
    if (!answer) {
      for (const step of journey.steps) Object.assign(step, { outcome: 'gave-up', detail: upload.detail });
      return;
    }
    const results = (answer.body as { results?: Array<{ outcome?: string }> }).results;
    if (answer.status !== 200 || !Array.isArray(results) || results.length !== journey.steps.length) {
      for (const step of journey.steps) refused(step, answer);
      return;
    }
    journey.steps.forEach((step, index) => {
      if (KEPT_OUTCOMES.has(results[index]!.outcome ?? '')) step.outcome = 'accepted';
      else refused(step, { status: answer.status, body: results[index] });
    });
    if (journey.steps.some((step) => step.outcome !== 'accepted')) return;
  }

  journey.scans = SCANS.map((plan, position) => ({
    plan,
    occurredAt: iso(20 + position),
    attempts: 0,
    retried: 0,
  }));
  for (const [position, scan] of journey.scans.entries()) {
    await at(startedAt, SCAN_AT_S[position]!);
    const body = checkpointWebhookBody(journey.trackingNumber, new Date(scan.occurredAt), scan.plan);
    const answer = await deliver(scan, giveUpAt(), {
      url: `${services['carrier-ingest'].baseUrl}${AGGREGATOR_WEBHOOK_PATH}`,
      headers: { [AGGREGATOR_SIGNATURE_HEADER]: signAggregatorBody(system.webhookSecret, body) },
      body,
    });
    if (!answer) return;
    if (answer.status !== 202 && answer.status !== 200) return refused(scan, answer);
    scan.outcome = 'accepted';
  }
}

/**
 * Starts journeys open loop, one every `REQUESTS_PER_JOURNEY / rate` seconds for `durationS`, and
 * resolves when every journey has finished or given up. Journeys overlap: at any moment some
 * orders are being placed while others are being produced, packed or scanned.
 */
export async function driveJourneys(
  system: SoakSystem,
  options: { rate: number; durationS: number; giveUpAt: () => number; log: (line: string) => void },
): Promise<Journey[]> {
  const journeysPerSecond = options.rate / REQUESTS_PER_JOURNEY;
  const count = Math.max(1, Math.round(journeysPerSecond * options.durationS));
  // UPS serials of the soak: numbers stay unique within the run, and each run has its own database.
  const nextNumber = upsTrackingNumbers(700_000_000);
  const journeys: Journey[] = Array.from({ length: count }, (_, index) => ({
    index,
    externalOrderId: `SOAK-${system.runId}-${index}`,
    email: `buyer-${index}-${system.runId}@soak.example`,
    production: index % 2 === 0 ? 'json' : 'csv',
    trackingNumber: nextNumber(),
    order: { attempts: 0, retried: 0, orderIds: new Set<string>() },
    steps: [],
    scans: [],
  }));
  options.log(
    `driving ${count} journeys at ${journeysPerSecond.toFixed(2)}/s (${options.rate} requests/s) for ${options.durationS} s`,
  );
  const progress = setInterval(() => {
    const placed = journeys.filter((journey) => journey.order.outcome === 'accepted').length;
    const delivered = journeys.filter((journey) => journey.scans.at(-1)?.outcome === 'accepted').length;
    const retrying = journeys.reduce(
      (sum, journey) =>
        sum +
        journey.order.retried +
        journey.steps.reduce((n, step) => n + step.retried, 0) +
        journey.scans.reduce((n, scan) => n + scan.retried, 0),
      0,
    );
    options.log(`  ${placed} orders placed, ${delivered} delivered scans sent, ${retrying} retries so far`);
  }, 15_000);
  try {
    const outcome = await paced(count, journeysPerSecond, (index) =>
      runJourney(system, journeys[index]!, options.giveUpAt),
    );
    if (outcome.failures > 0)
      throw new Error(`a journey failed in the driver itself: ${outcome.firstFailure}`);
  } finally {
    clearInterval(progress);
  }
  return journeys;
}
