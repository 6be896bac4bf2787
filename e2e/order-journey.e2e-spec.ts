/**
 * One order's whole journey through the system as it runs in production: the storefront submits
 * it to order-intake, the fulfillment centre reports production and packing to
 * production-status, the carrier's webhooks reach carrier-ingest, and the buyer's tracking link
 * on tracking-api ends at DELIVERED with every step on its timeline. Each service has its own
 * database and consumer group; they meet only on the broker.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { PlatformConfig } from '@tracking/config';
import { createTestEnvironment, eventually, type TestEnvironment } from '@tracking/testing';
import { validateTrackingNumber } from '@tracking/tracking-numbers';
import { createCarrierIngestApp } from '../services/carrier-ingest/src/bootstrap';
import { CarrierIngestConfig } from '../services/carrier-ingest/src/config/carrier-ingest.config';
import { createOrderIntakeApp } from '../services/order-intake/src/bootstrap';
import { OrderIntakeConfig } from '../services/order-intake/src/config/order-intake.config';
import { createProductionStatusApp } from '../services/production-status/src/bootstrap';
import { ProductionStatusConfig } from '../services/production-status/src/config/production-status.config';
import { createTrackingApiApp } from '../services/tracking-api/src/bootstrap';
import { TrackingApiConfig } from '../services/tracking-api/src/config/tracking-api.config';
import type { PublicView } from '../services/tracking-api/src/domain/order-projection';

const AGGREGATOR_SECRET = 'journey-aggregator-secret';
const CENTRE = 'fc-journey';
const HOUR = 3_600_000;

function upsNumber(): string {
  const payload = `1Z999AA1${String(Date.now() % 1_000_000_000).padStart(9, '0')}`;
  for (let digit = 0; digit < 10; digit += 1) {
    if (validateTrackingNumber('ups', `${payload}${digit}`).valid) return `${payload}${digit}`;
  }
  throw new Error('no check digit');
}

function at(hoursAgo: number): string {
  return new Date(Date.now() - hoursAgo * HOUR).toISOString();
}

describe('an order from the storefront to the doorstep', () => {
  const environments: Array<TestEnvironment<PlatformConfig>> = [];
  let intake: TestEnvironment<OrderIntakeConfig>;
  let production: TestEnvironment<ProductionStatusConfig>;
  let carriers: TestEnvironment<CarrierIngestConfig>;
  let tracking: TestEnvironment<TrackingApiConfig>;

  async function start<C extends PlatformConfig>(
    configClass: new () => C,
    createApp: (config: C) => Promise<INestApplication>,
    env: Record<string, string> = {},
  ): Promise<TestEnvironment<C>> {
    const started = await createTestEnvironment({ configClass, createApp, env });
    environments.push(started as unknown as TestEnvironment<PlatformConfig>);
    return started;
  }

  beforeAll(async () => {
    tracking = await start(TrackingApiConfig, createTrackingApiApp);
    carriers = await start(CarrierIngestConfig, createCarrierIngestApp, {
      CARRIER_AGGREGATOR_WEBHOOK_SECRET: AGGREGATOR_SECRET,
      WEBHOOK_PROCESS_INTERVAL_MS: '200',
    });
    production = await start(ProductionStatusConfig, createProductionStatusApp);
    intake = await start(OrderIntakeConfig, createOrderIntakeApp);
  });

  afterAll(async () => {
    for (const environment of environments.reverse()) await environment.close();
  });

  it("reaches DELIVERED on the buyer's link with every step on the timeline", async () => {
    const merchant = await intake.tokenFor('merchant', 'journey-shop');
    const centre = await production.tokenFor('fulfillment_center', CENTRE);
    const trackingNumber = upsNumber();

    // The storefront submits the order.
    const submitted = await intake.request<{ orderId: string; trackingToken: string }>('POST', '/v1/orders', {
      token: merchant,
      body: {
        externalOrderId: `J-${randomUUID().slice(0, 8)}`,
        storefrontPlatform: 'shopify',
        placedAt: at(72),
        buyer: { name: 'Ada Lovelace', email: 'ada@example.com', locale: 'en-GB' },
        shippingAddress: { line1: '12 Analytical Row', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
        lineItems: [{ sku: 'MUG-11OZ', title: 'Engine mug', quantity: 1 }],
        fulfillmentCenterId: CENTRE,
      },
    });
    expect(submitted.status).toBe(201);
    const { orderId, trackingToken } = submitted.body;

    // The fulfillment centre reports production and packing once it has the order.
    await eventually(
      async () =>
        (await production.request('GET', `/v1/orders/${orderId}/production`, { token: centre })).status ===
        200,
    );
    const reported = await production.request<{
      results: Array<{ outcome: string; shipments?: Array<{ shipmentId: string }> }>;
    }>('POST', '/v1/production-events/batch', {
      token: centre,
      body: {
        events: [
          { orderId, eventId: 'j-1', type: 'PRODUCTION_STARTED', occurredAt: at(60) },
          { orderId, eventId: 'j-2', type: 'PRODUCTION_COMPLETED', occurredAt: at(50) },
          {
            orderId,
            eventId: 'j-3',
            type: 'PACKED',
            occurredAt: at(48),
            shipments: [{ carrier: 'ups', trackingNumber, serviceLevel: 'Ground' }],
          },
        ],
      },
    });
    expect(reported.body.results.map((result) => result.outcome)).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    const shipmentId = reported.body.results[2]!.shipments![0]!.shipmentId;

    // carrier-ingest tracks the parcel once production registers it; the carrier pushes its scans.
    await eventually(
      async () =>
        (await carriers.request('GET', `/v1/shipments/${shipmentId}`, { token: merchant })).status === 200,
    );
    const checkpoint = (tag: string, subtag: string, hoursAgo: number, message: string, city: string) => ({
      slug: 'ups',
      checkpoint_time: at(hoursAgo),
      city,
      zip: '',
      country_iso3: 'GBR',
      message,
      tag,
      subtag,
    });
    const webhook = JSON.stringify({
      event: 'tracking_update',
      msg: {
        tracking_number: trackingNumber,
        slug: 'ups',
        tag: 'Delivered',
        checkpoints: [
          checkpoint('InTransit', 'InTransit_002', 40, 'Accepted by the carrier', 'Birmingham'),
          checkpoint('InTransit', 'InTransit_001', 30, 'On the way', 'Coventry'),
          checkpoint('OutForDelivery', 'OutForDelivery_001', 6, 'Out for delivery', 'London'),
          checkpoint('Delivered', 'Delivered_001', 2, 'Delivered, front door', 'London'),
        ],
      },
      ts: Math.floor(Date.now() / 1_000),
    });
    const pushed = await carriers.request('POST', '/v1/carriers/aggregator/webhooks', {
      rawBody: webhook,
      headers: {
        'aftership-hmac-sha256': createHmac('sha256', AGGREGATOR_SECRET).update(webhook).digest('base64'),
      },
    });
    expect(pushed.status).toBe(202);

    // The buyer's link shows the whole journey.
    const view = await eventually(
      async () => {
        const response = await tracking.request<PublicView>('GET', `/v1/track/${trackingToken}`);
        return response.status === 200 && response.body.status.state === 'DELIVERED'
          ? response.body
          : undefined;
      },
      { timeoutMs: 40_000 },
    );
    expect(view.milestones.every((milestone) => milestone.passed)).toBe(true);
    expect(view.milestones.find((milestone) => milestone.state === 'DELIVERED')).toMatchObject({
      current: true,
    });
    expect(view.history.map((entry) => entry.state)).toEqual([
      'ORDER_RECEIVED',
      'IN_PRODUCTION',
      'PRODUCTION_COMPLETED',
      'PACKED',
      'PACKED',
      'PICKED_UP',
      'IN_TRANSIT',
      'OUT_FOR_DELIVERY',
      'DELIVERED',
    ]);
    expect(view.shipments).toEqual([
      expect.objectContaining({ shipmentId, carrier: 'ups', trackingNumber, state: 'DELIVERED' }),
    ]);
    expect(view.lastLocation).toMatchObject({ city: 'London', countryCode: 'GB' });
    expect(view.buyer.firstName).toBe('Ada');
    expect(JSON.stringify(view)).not.toMatch(/Lovelace|ada@example\.com|Analytical Row/);
  });
});
