import { randomUUID } from 'node:crypto';
import { createTestEnvironment, eventually, type TestEnvironment } from '@tracking/testing';
import { createTrackingApiApp } from '../src/bootstrap';
import { TrackingApiConfig } from '../src/config/tracking-api.config';
import type { EvidencePack } from '../src/domain/evidence-pack';
import type { MerchantMetrics } from '../src/use-cases/merchant-metrics.use-case';
import {
  ago,
  carrierScan,
  DAY,
  HOUR,
  MISTYPED_UPS,
  newOrder,
  notificationDispatched,
  orderPlaced,
  orderReceived,
  productionStep,
  publish,
  shipmentRegistered,
  type OrderFixture,
} from './support/tracking-facts';
import { textLayerOf } from './support/pdf-text';

interface ListedOrder {
  orderId: string;
  status: { state: string };
  packedAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  validTracking: boolean;
}

describe('tracking-api merchant metrics and evidence', () => {
  let env: TestEnvironment<TrackingApiConfig>;

  beforeAll(async () => {
    env = await createTestEnvironment({ configClass: TrackingApiConfig, createApp: createTrackingApiApp });
  });

  afterAll(() => env?.close());

  async function listedWhen(token: string, done: (orders: Map<string, ListedOrder>) => boolean) {
    return eventually(
      async () => {
        const response = await env.request<{ orders: ListedOrder[] }>(
          'GET',
          `/v1/orders?limit=200&from=${ago(90 * DAY).toISOString()}`,
          { token },
        );
        const orders = new Map(response.body.orders?.map((order) => [order.orderId, order]));
        return done(orders) ? orders : undefined;
      },
      { what: 'orders projected' },
    );
  }

  describe('GET /v1/metrics', () => {
    const merchantId = `metrics-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const t = (days: number) => ago(days * DAY, now);
    // Delivered in time for the window first estimated (received + 3 production days + 1 + 10 transit).
    const onTime = newOrder({ merchantId });
    // Delivered two days after the date the storefront promised.
    const promised = newOrder({ merchantId });
    // A mistyped tracking number: the carrier scans something, but it cannot be valid tracking.
    const mistyped = newOrder({ merchantId, trackingNumber: MISTYPED_UPS });
    const waiting = newOrder({ merchantId });
    const old = newOrder({ merchantId });
    const foreign = newOrder({ merchantId: 'globex' });
    let token: string;

    beforeAll(async () => {
      token = await env.tokenFor('merchant', merchantId);
      await publish(
        env.kafka,
        orderReceived(onTime, t(10)),
        productionStep(onTime, t(9), 'PACKED'),
        shipmentRegistered(onTime, t(9)),
        carrierScan(onTime, t(8), 'PICKED_UP', { lagSeconds: 60 }),
        carrierScan(onTime, t(7), 'IN_TRANSIT', { lagSeconds: 600, via: 'POLL' }),
        carrierScan(onTime, t(6), 'DELIVERED', { lagSeconds: 120 }),

        orderReceived(promised, t(12), { promisedDeliveryDate: t(9).toISOString().slice(0, 10) }),
        productionStep(promised, t(10), 'PACKED'),
        shipmentRegistered(promised, t(10)),
        carrierScan(promised, t(9.5), 'PICKED_UP', { lagSeconds: 30 }),
        carrierScan(promised, t(7), 'DELIVERED', { lagSeconds: 30 }),

        orderReceived(mistyped, t(5)),
        productionStep(mistyped, t(4), 'PACKED'),
        shipmentRegistered(mistyped, t(4)),
        carrierScan(mistyped, t(3), 'PICKED_UP', { lagSeconds: 300 }),
        // Typed in by an operator a day later: not a carrier's scan, so neither lag nor first scan.
        carrierScan(mistyped, t(2), 'IN_TRANSIT', { lagSeconds: 86_400, via: 'MANUAL' }),

        orderReceived(waiting, t(3)),

        orderReceived(old, t(60)),
        productionStep(old, t(59), 'PACKED'),

        orderReceived(foreign, t(5)),
        productionStep(foreign, t(4), 'PACKED'),
        shipmentRegistered(foreign, t(4)),
        carrierScan(foreign, t(3), 'DELIVERED', { lagSeconds: 5 }),
      );
      await listedWhen(token, (orders) => {
        const states = (order: OrderFixture) => orders.get(order.orderId);
        return (
          states(onTime)?.status.state === 'DELIVERED' &&
          Boolean(states(onTime)?.packedAt) &&
          states(promised)?.status.state === 'DELIVERED' &&
          Boolean(states(promised)?.packedAt) &&
          states(mistyped)?.status.state === 'IN_TRANSIT' &&
          Boolean(states(mistyped)?.packedAt) &&
          states(waiting) !== undefined &&
          Boolean(states(old)?.packedAt)
        );
      });
    });

    it("measures the merchant's own orders of the last 30 days, each figure with what it counted", async () => {
      const response = await env.request<MerchantMetrics>('GET', '/v1/metrics', { token });

      expect(response.status).toBe(200);
      const metrics = response.body;
      expect(Date.parse(metrics.period.to) - Date.parse(metrics.period.from)).toBe(30 * DAY);
      // Packed in the period: onTime, promised and mistyped; the first two have scanned, valid numbers.
      expect(metrics.validTrackingRate).toEqual({ rate: 0.6667, withValidTracking: 2, packed: 3 });
      expect(metrics.onTimeDeliveryRate).toEqual({
        rate: 0.5,
        onTime: 1,
        measured: 2,
        delivered: 2,
        withoutTarget: 0,
      });
      expect(metrics.ordersByStatus.total).toBe(4);
      expect(metrics.ordersByStatus.byState).toMatchObject({
        DELIVERED: 2,
        IN_TRANSIT: 1,
        ORDER_RECEIVED: 1,
        PACKED: 0,
      });
      const days = (value: number) => Math.round((value * DAY) / 1_000);
      expect(metrics.timePerStage).toEqual({
        // 1, 2 and 1 days: the 90th percentile interpolates between the sorted 1, 1, 2.
        receivedToPacked: { count: 3, medianSeconds: days(1), p90Seconds: days(1.8) },
        packedToFirstCarrierScan: { count: 3, medianSeconds: days(1), p90Seconds: days(1) },
        firstCarrierScanToDelivered: { count: 2, medianSeconds: days(2.25), p90Seconds: days(2.45) },
        receivedToDelivered: { count: 2, medianSeconds: days(4.5), p90Seconds: days(4.9) },
      });
      // Carrier scans' lags 30, 30, 60, 120, 300 (webhook) and 600 (poll) seconds; the manual entry is not one.
      expect(metrics.informationLag).toEqual({
        carrierScans: 6,
        p50Seconds: 90,
        p95Seconds: 525,
        bySource: {
          WEBHOOK: { carrierScans: 5, p50Seconds: 60, p95Seconds: 264 },
          POLL: { carrierScans: 1, p50Seconds: 600, p95Seconds: 600 },
        },
      });
    });

    it('counts a stage in the period its end falls in', async () => {
      const from = ago(6.5 * DAY, now).toISOString();
      const response = await env.request<MerchantMetrics>('GET', `/v1/metrics?from=${from}`, { token });

      expect(response.status).toBe(200);
      // Only the order delivered six days ago, on time; only the mistyped one was packed since.
      expect(response.body.onTimeDeliveryRate).toMatchObject({ rate: 1, onTime: 1, measured: 1 });
      expect(response.body.validTrackingRate).toEqual({ rate: 0, withValidTracking: 0, packed: 1 });
      expect(response.body.timePerStage.receivedToDelivered).toEqual({
        count: 1,
        medianSeconds: (4 * DAY) / 1_000,
        p90Seconds: (4 * DAY) / 1_000,
      });
    });

    it('refuses a bad period with 422 and answers no one without a merchant credential', async () => {
      const reversed = await env.request<{ code: string; errors: Array<{ field: string }> }>(
        'GET',
        '/v1/metrics?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
        { token },
      );
      const tooLong = await env.request('GET', '/v1/metrics?from=2024-01-01&to=2026-01-01', { token });
      const garbled = await env.request<{ errors: Array<{ field: string }> }>(
        'GET',
        '/v1/metrics?from=yesterday',
        {
          token,
        },
      );
      const unknown = await env.request('GET', '/v1/metrics?merchant=globex', { token });
      const anonymous = await env.request('GET', '/v1/metrics');
      const centre = await env.request('GET', '/v1/metrics', {
        token: await env.tokenFor('fulfillment_center', 'fc-1'),
      });

      expect(reversed.status).toBe(422);
      expect(reversed.body.code).toBe('VALIDATION_FAILED');
      expect(reversed.body.errors).toEqual([{ field: 'from', reason: 'must not be after to' }]);
      expect(tooLong.status).toBe(422);
      expect(garbled.status).toBe(422);
      expect(garbled.body.errors.map((error) => error.field)).toEqual(['from']);
      expect(unknown.status).toBe(422);
      expect(anonymous.status).toBe(401);
      expect(centre.status).toBe(403);
    });
  });

  describe('GET /v1/orders/:orderId/evidence', () => {
    const merchantId = `evidence-${randomUUID().slice(0, 8)}`;
    const order = newOrder({ merchantId });
    const now = Date.now();
    const t = (hours: number) => ago(hours * HOUR, now);
    let token: string;

    beforeAll(async () => {
      token = await env.tokenFor('merchant', merchantId);
      // The carrier's scans first, the order last: facts overtake their order across topics.
      await publish(
        env.kafka,
        carrierScan(order, t(30), 'PICKED_UP', { city: 'Hanoi', description: 'Origin scan' }),
        carrierScan(order, t(20), 'IN_TRANSIT', {
          city: 'Da Nang',
          description: 'Departed facility',
          via: 'POLL',
        }),
        carrierScan(order, t(2), 'DELIVERED', {
          city: 'Hanoi',
          description: 'Delivered, left at front door',
        }),
        shipmentRegistered(order, t(40)),
        productionStep(order, t(60), 'PRODUCTION_STARTED'),
        productionStep(order, t(41), 'PACKED'),
        ...orderPlaced(order, t(72)),
      );
    });

    const evidence = (headers: Record<string, string> = {}, query = '', as = token) =>
      fetch(`${env.baseUrl}/v1/orders/${order.orderId}/evidence${query}`, {
        headers: { authorization: `Bearer ${as}`, ...headers },
      });

    it('gives every fact with both clocks, place and source, the proof of delivery and the notifications sent', async () => {
      const complete = await eventually(
        async () => {
          const response = await env.request<EvidencePack>('GET', `/v1/orders/${order.orderId}/evidence`, {
            token,
          });
          return response.status === 200 &&
            response.body.timeline.length === 7 &&
            response.body.order.destination.city !== ''
            ? response
            : undefined;
        },
        { what: 'every fact projected and the buyer contact recorded' },
      );
      const versionBefore = (await env.request('GET', `/v1/track/${order.token}`)).headers.get('etag');
      const publishedAt = new Set([t(1.5).toISOString(), t(1.4).toISOString()]);
      const ours = (pack: EvidencePack) =>
        (pack.notifications ?? []).filter((sent) => publishedAt.has(sent.at));
      await publish(
        env.kafka,
        notificationDispatched(order, t(1.5), {
          channel: 'EMAIL',
          outcome: 'SENT',
          detail: 'delivered',
          triggerState: 'DELIVERED',
        }),
        notificationDispatched(order, t(1.4), {
          channel: 'SMS',
          outcome: 'SKIPPED',
          detail: 'delivered: no SMS consent',
          triggerState: 'DELIVERED',
        }),
      );
      const pack = await eventually(
        async () => {
          const response = await env.request<EvidencePack>('GET', `/v1/orders/${order.orderId}/evidence`, {
            token,
          });
          // The topic is shared with every other test's services (a notification service under test
          // reports on every order it sees), so only the two published here are looked at.
          return ours(response.body).length === 2 ? response.body : undefined;
        },
        { what: 'notifications recorded' },
      );

      expect(complete.headers.get('content-type')).toContain('application/json');
      expect(complete.headers.get('cache-control')).toBe('private, no-store');
      expect(pack.order).toMatchObject({
        orderId: order.orderId,
        orderNumber: `#${order.orderId.slice(0, 6)}`,
        merchantId,
        placedAt: t(72).toISOString(),
        destination: { city: 'Hanoi', countryCode: 'VN' },
        status: { state: 'DELIVERED' },
        deliveredAt: t(2).toISOString(),
      });
      expect(pack.shipments).toEqual([
        expect.objectContaining({
          carrier: 'ups',
          trackingNumber: order.trackingNumber,
          trackingUrl: expect.stringContaining(order.trackingNumber),
          registeredAt: t(40).toISOString(),
        }),
      ]);
      expect(
        pack.timeline.map((entry) => [entry.occurredAt, entry.state, entry.place?.city ?? null]),
      ).toEqual([
        [t(72).toISOString(), 'ORDER_RECEIVED', null],
        [t(60).toISOString(), 'IN_PRODUCTION', null],
        [t(41).toISOString(), 'PACKED', null],
        [t(40).toISOString(), 'PACKED', null],
        [t(30).toISOString(), 'PICKED_UP', 'Hanoi'],
        [t(20).toISOString(), 'IN_TRANSIT', 'Da Nang'],
        [t(2).toISOString(), 'DELIVERED', 'Hanoi'],
      ]);
      expect(pack.timeline[5]).toMatchObject({
        recordedAt: new Date(t(20).getTime() + 60_000).toISOString(),
        informationLagSeconds: 60,
        source: { service: 'carrier-ingest', upstream: 'ups', method: 'POLL' },
        rawCode: 'UPS-IN',
        rawDescription: 'Departed facility',
        trackingNumber: order.trackingNumber,
      });
      expect(pack.proofOfDelivery).toEqual([
        expect.objectContaining({
          signedBy: 'NGUYEN THI LINH',
          photoUrl: 'https://carrier.example/pod/123.jpg',
          leftAt: 'front door',
        }),
      ]);
      expect(ours(pack).map((sent) => [sent.channel, sent.kind, sent.outcome, sent.at])).toEqual([
        ['EMAIL', 'delivered', 'SENT', t(1.5).toISOString()],
        ['SMS', 'delivered', 'SKIPPED', t(1.4).toISOString()],
      ]);
      expect(JSON.stringify(pack)).not.toContain('op-7');
      // A notification is evidence, not news about the parcel: the buyer's view keeps its version.
      expect((await env.request('GET', `/v1/track/${order.token}`)).headers.get('etag')).toBe(versionBefore);
    });

    it('gives the same pack as a PDF when asked for one', async () => {
      await eventually(
        async () =>
          (await env.request<EvidencePack>('GET', `/v1/orders/${order.orderId}/evidence`, { token })).body
            .proofOfDelivery?.length === 1,
      );
      for (const response of [
        await evidence({ accept: 'application/pdf' }),
        await evidence({ accept: 'text/html;q=0.9, application/pdf' }),
        await evidence({}, '?format=pdf'),
      ]) {
        const pdf = Buffer.from(await response.arrayBuffer());
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/pdf');
        expect(response.headers.get('content-disposition')).toMatch(
          /^attachment; filename="evidence-[0-9a-f]{6}\.pdf"$/,
        );
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        const text = textLayerOf(pdf);
        expect(text).toContain(order.trackingNumber);
        expect(text).toContain('NGUYEN THI LINH');
        expect(text).toContain('Departed facility');
      }
      const json = await evidence({ accept: 'application/json' });
      const fallback = await evidence({ accept: '*/*' }, '?format=json');
      expect(json.headers.get('content-type')).toContain('application/json');
      expect(fallback.headers.get('content-type')).toContain('application/json');
    });

    it("is another merchant's business only as far as a 404", async () => {
      const stranger = await env.tokenFor('merchant', 'globex');
      const foreign = await evidence({ accept: 'application/pdf' }, '', stranger);
      const missing = await env.request('GET', `/v1/orders/${randomUUID()}/evidence`, { token });
      const notAnId = await env.request('GET', '/v1/orders/1042/evidence', { token });
      const badFormat = await env.request('GET', `/v1/orders/${order.orderId}/evidence?format=xml`, {
        token,
      });
      const anonymous = await env.request('GET', `/v1/orders/${order.orderId}/evidence`);

      expect(foreign.status).toBe(404);
      expect(foreign.headers.get('content-type')).toContain('application/problem+json');
      expect(missing.status).toBe(404);
      expect(notAnId.status).toBe(404);
      expect(badFormat.status).toBe(422);
      expect(anonymous.status).toBe(401);
    });
  });
});
