import { randomUUID } from 'node:crypto';
import { createEnvelope, type EventEnvelope, trackingTokenHash } from '@tracking/events';
import { validateTrackingNumber } from '@tracking/tracking-numbers';

export const BENCH_PRODUCTION_MERCHANT = 'bench-merchant';

/**
 * The order.received event production-status learns an order from, as its e2e test publishes
 * it: what matters to the service is the order id and the fulfillment centre.
 */
export function orderReceivedForCentre(orderId: string, fulfillmentCentreId: string): EventEnvelope {
  // Placed two days ago; the batches report steps of yesterday.
  const placedAt = new Date(Date.now() - 48 * 60 * 60_000).toISOString();
  return createEnvelope({
    orderId,
    merchantId: BENCH_PRODUCTION_MERCHANT,
    occurredAt: placedAt,
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: {
      $case: 'orderReceived',
      value: {
        externalOrderId: `BENCH-${orderId.slice(0, 8)}`,
        storefrontPlatform: 'SHOPIFY',
        placedAt,
        lineItems: [{ externalLineItemId: '', sku: 'MUG-11OZ-WHITE', title: 'Custom mug', quantity: 2 }],
        fulfillmentCentreId,
        promisedDeliveryDate: '',
        trackingTokenHash: trackingTokenHash(randomUUID()),
        buyerLocale: 'en',
      },
    },
  });
}

/**
 * Valid UPS numbers, each one different (a number may be on one live label only): a fixed
 * shipper and service, a serial, and whichever of the ten check digits the validator accepts.
 * Scenarios start their serials apart, so numbers stay unique across the run.
 */
export function upsTrackingNumbers(firstSerial = 0): () => string {
  let serial = firstSerial;
  return () => {
    serial += 1;
    const payload = `1Z999AA1${String(serial).padStart(9, '0')}`;
    for (let digit = 0; digit < 10; digit += 1) {
      const candidate = `${payload}${digit}`;
      if (validateTrackingNumber('ups', candidate).valid) return candidate;
    }
    throw new Error(`no check digit makes ${payload} a valid UPS number`);
  };
}

export type ProductionStepType = 'PRODUCTION_STARTED' | 'PRODUCTION_COMPLETED' | 'PACKED';

/** One item of a batch request, as a centre's system sends it. */
export interface ProductionEventItem {
  orderId: string;
  eventId: string;
  type: ProductionStepType;
  occurredAt: string;
  facility: string;
  station: string;
  operator: string;
  shipments?: Array<{
    carrier: 'ups';
    trackingNumber: string;
    serviceLevel: string;
    packageCount: number;
    weightGrams: number;
  }>;
}

export interface PlannedBatch {
  /** The request body, serialized before the clock starts. */
  body: string;
  /** The centre's event ids in the batch: what the bare handler's messages are known by. */
  eventIds: string[];
  packed: number;
}

const CYCLE: readonly ProductionStepType[] = ['PRODUCTION_STARTED', 'PRODUCTION_COMPLETED', 'PACKED'];
/** How long before "now" each step happened: yesterday's shift, in minutes. */
const MINUTES_AGO: Record<ProductionStepType, number> = {
  PRODUCTION_STARTED: 24 * 60 + 180,
  PRODUCTION_COMPLETED: 24 * 60 + 90,
  PACKED: 24 * 60 + 30,
};

/** Orders one batch reports on: three steps each, and a last one only started if the size says so. */
export function ordersPerBatch(batchSize: number): number {
  return Math.ceil(batchSize / CYCLE.length);
}

/**
 * Batches of a centre's day: each order of the batch is started, completed and packed (one UPS
 * parcel); with 1,000 events the 334th order is only started. No two batches report on the
 * same order, so batches in flight together never wait for each other's order locks (a batch
 * locks all its orders for its whole transaction). With fewer orders than the batches need,
 * the orders come round again (a reprint: started, completed and packed once more, with a new
 * label), so every event is still accepted.
 */
export function planProductionBatches(options: {
  runId: string;
  label: string;
  orderIds: readonly string[];
  /** Batches planned before this plan, so a second plan goes on with the next orders. */
  firstBatch: number;
  events: number;
  batchSize: number;
  nextTrackingNumber: () => string;
}): PlannedBatch[] {
  const { orderIds, batchSize } = options;
  const perBatch = ordersPerBatch(batchSize);
  const base = Date.now();
  const batches: PlannedBatch[] = [];
  for (let start = 0; start < options.events; start += batchSize) {
    const batchIndex = options.firstBatch + start / batchSize;
    const events: ProductionEventItem[] = [];
    let packed = 0;
    for (let offset = 0; offset < Math.min(batchSize, options.events - start); offset += 1) {
      const slot = batchIndex * perBatch + Math.floor(offset / CYCLE.length);
      const type = CYCLE[offset % CYCLE.length]!;
      const round = Math.floor(slot / orderIds.length);
      // Later rounds happened later, all of them in the past: a report from the future is refused.
      const occurredAt = new Date(base - MINUTES_AGO[type] * 60_000 + round * 1_000);
      const event: ProductionEventItem = {
        orderId: orderIds[slot % orderIds.length]!,
        eventId: `${options.label}-${options.runId}-${batchIndex}-${offset}`,
        type,
        occurredAt: occurredAt.toISOString(),
        facility: 'Hanoi 1',
        station: type === 'PACKED' ? 'pack-2' : 'printer-4',
        operator: `op-${slot % 40}`,
      };
      if (type === 'PACKED') {
        packed += 1;
        event.shipments = [
          {
            carrier: 'ups',
            trackingNumber: options.nextTrackingNumber(),
            serviceLevel: 'Ground',
            packageCount: 1,
            weightGrams: 450,
          },
        ];
      }
      events.push(event);
    }
    batches.push({
      body: JSON.stringify({ events }),
      eventIds: events.map((event) => event.eventId),
      packed,
    });
  }
  return batches;
}
