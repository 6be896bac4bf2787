import { randomBytes } from 'node:crypto';
import { decodeEnvelope, TOPICS } from '@tracking/events';
import {
  createTestEnvironment,
  eventually,
  interleavedMedians,
  type MessageCollector,
  type TestEnvironment,
} from '@tracking/testing';
import { createTrackingApiApp } from '../src/bootstrap';
import { TrackingApiConfig } from '../src/config/tracking-api.config';
import type { PublicView } from '../src/domain/order-projection';
import {
  carrierScan,
  daysAgo,
  MERCHANT,
  newOrder,
  orderPlaced,
  orderReceived,
  productionStep,
  publish,
  shipmentRegistered,
} from './support/tracking-facts';

describe('tracking-api', () => {
  let env: TestEnvironment<TrackingApiConfig>;
  let statusTopic: MessageCollector;
  let contactsTopic: MessageCollector;
  let merchant: string;

  beforeAll(async () => {
    env = await createTestEnvironment({ configClass: TrackingApiConfig, createApp: createTrackingApiApp });
    [statusTopic, contactsTopic] = await Promise.all([
      env.kafka.collect(TOPICS.status),
      env.kafka.collect(TOPICS.buyerContacts),
    ]);
    merchant = await env.tokenFor('merchant', MERCHANT);
  });

  afterAll(() => env?.close());

  function track(token: string) {
    return env.request<PublicView & { code?: string }>('GET', `/v1/track/${token}`);
  }

  async function trackedWhen(token: string, done: (view: PublicView) => boolean): Promise<PublicView> {
    return eventually(async () => {
      const response = await track(token);
      return response.status === 200 && done(response.body) ? response.body : undefined;
    });
  }

  describe('buyer side', () => {
    it('shows one timeline for a token: milestones, status, shipment and places, without personal data', async () => {
      const order = newOrder();
      await publish(
        env.kafka,
        ...orderPlaced(order, daysAgo(5)),
        productionStep(order, daysAgo(4), 'PRODUCTION_STARTED'),
        productionStep(order, daysAgo(3), 'PACKED'),
        shipmentRegistered(order, daysAgo(3)),
        carrierScan(order, daysAgo(2), 'PICKED_UP', { description: 'Picked up' }),
        carrierScan(order, daysAgo(1), 'IN_TRANSIT', { description: 'Departed facility', city: 'Da Nang' }),
      );

      // All six facts, not just the status: the topics are consumed concurrently, so the scans can
      // be projected before the shipment registration that came earlier.
      const view = await trackedWhen(
        order.token,
        (current) =>
          current.status.state === 'IN_TRANSIT' &&
          current.history.length === 6 &&
          current.buyer.firstName !== '',
      );

      expect(view.buyer.firstName).toBe('Linh');
      expect(view.destination).toEqual({ city: 'Hanoi', countryCode: 'VN' });
      expect(
        view.milestones.map((milestone) => [milestone.state, milestone.passed, milestone.current]),
      ).toEqual([
        ['ORDER_RECEIVED', true, false],
        ['IN_PRODUCTION', true, false],
        ['PRODUCTION_COMPLETED', true, false],
        ['PACKED', true, false],
        ['PICKED_UP', true, false],
        ['IN_TRANSIT', true, true],
        ['OUT_FOR_DELIVERY', false, false],
        ['DELIVERED', false, false],
      ]);
      expect(view.shipments[0]).toMatchObject({
        carrier: 'ups',
        trackingUrl: expect.stringContaining('1Z999AA10123456784'),
      });
      expect(view.lastLocation).toEqual({ city: 'Da Nang', countryCode: 'VN' });
      expect(view.history.map((entry) => entry.state)).toEqual([
        'ORDER_RECEIVED',
        'IN_PRODUCTION',
        'PACKED',
        'PACKED',
        'PICKED_UP',
        'IN_TRANSIT',
      ]);
      expect(view.estimatedDelivery).toMatchObject({ late: false });
      const text = JSON.stringify(view);
      for (const secret of [
        'Nguyen',
        'linh@example.com',
        '+84901234567',
        'Ly Thuong Kiet',
        '100000',
        'op-7',
      ]) {
        expect(text).not.toContain(secret);
      }
    });

    it('answers an unknown token 404 in about the time a known one takes', async () => {
      const order = newOrder();
      await publish(env.kafka, orderReceived(order, daysAgo(1)));
      await trackedWhen(order.token, () => true);

      const unknown = await track(randomBytes(24).toString('base64url'));
      const [known, missing] = await interleavedMedians(
        [order.token, randomBytes(24).toString('base64url')],
        (token) => track(token),
      );

      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('NOT_FOUND');
      // Both sit on the response floor; what varies is noise, not existence.
      expect(missing).toBeGreaterThanOrEqual(env.config.TRACK_RESPONSE_FLOOR_MS - 1);
      // Medians of 15: well under what separates a database row from none on a quiet machine, well
      // over the noise of a loaded one.
      expect(Math.abs(known - missing)).toBeLessThan(25);
    });

    it('pushes a new status over SSE within a second, and resumes after Last-Event-ID', async () => {
      const order = newOrder();
      await publish(
        env.kafka,
        orderReceived(order, daysAgo(3)),
        shipmentRegistered(order, daysAgo(2)),
        carrierScan(order, daysAgo(2), 'PICKED_UP', { description: 'Picked up' }),
      );
      await trackedWhen(order.token, (current) => current.status.state === 'PICKED_UP');

      const stream = await openStream(`${env.baseUrl}/v1/track/${order.token}/events`);
      const first = await stream.next();
      expect(first.view.status.state).toBe('PICKED_UP');

      const published = Date.now();
      await publish(
        env.kafka,
        carrierScan(order, new Date(), 'OUT_FOR_DELIVERY', { description: 'Out for delivery' }),
      );
      const pushed = await stream.nextWhere((event) => event.view.status.state === 'OUT_FOR_DELIVERY');
      const consumedAt = Date.now();
      stream.close();
      expect(pushed.id).toBeGreaterThan(first.id);
      // Publication to consumption dominates; the push itself follows the projection's commit.
      expect(consumedAt - published).toBeLessThan(10_000);

      const resumed = await openStream(`${env.baseUrl}/v1/track/${order.token}/events`, {
        'last-event-id': String(first.id),
      });
      const replayed = await resumed.nextWhere((event) => event.view.status.state === 'OUT_FOR_DELIVERY');
      resumed.close();
      expect(replayed.id).toBe(pushed.id);
    });

    it('publishes tracking.status-changed with the delivery window when the status changes', async () => {
      const order = newOrder();
      await publish(
        env.kafka,
        orderReceived(order, daysAgo(2)),
        shipmentRegistered(order, daysAgo(1)),
        carrierScan(order, daysAgo(1), 'EXCEPTION', {
          description: 'Held in customs',
          reason: 'CUSTOMS_HOLD',
        }),
      );

      const messages = await statusTopic.waitFor(
        (message) =>
          message.key === order.orderId &&
          decodeEnvelope(message.value).payload?.$case === 'trackingStatusChanged' &&
          (decodeEnvelope(message.value).payload as { value: { order?: { state: string } } }).value.order
            ?.state === 'EXCEPTION',
      );
      const event = decodeEnvelope(messages[0]!.value);
      expect(event.payload).toMatchObject({
        $case: 'trackingStatusChanged',
        value: { order: { state: 'EXCEPTION', activeException: { reason: 'CUSTOMS_HOLD' } }, late: false },
      });
      expect(
        (event.payload as { value: { estimatedDeliveryTo?: string } }).value.estimatedDeliveryTo,
      ).toBeDefined();
    });

    it('takes feedback only after delivery, and delivery changes only before the last leg', async () => {
      const order = newOrder();
      await publish(
        env.kafka,
        orderReceived(order, daysAgo(3)),
        shipmentRegistered(order, daysAgo(2)),
        carrierScan(order, daysAgo(2), 'IN_TRANSIT', { description: 'Departed' }),
      );
      await trackedWhen(order.token, (current) => current.status.state === 'IN_TRANSIT');

      const early = await env.request('POST', `/v1/track/${order.token}/feedback`, { body: { rating: 5 } });
      const change = await env.request<{ requestId: string }>(
        'POST',
        `/v1/track/${order.token}/delivery-changes`,
        {
          body: {
            preferredDate: '2026-12-24',
            preferredTimeWindow: '09:00-12:00',
            note: 'evening is better',
          },
        },
      );
      const invalid = await env.request('POST', `/v1/track/${order.token}/delivery-changes`, { body: {} });

      expect(early.status).toBe(409);
      expect(change.status).toBe(202);
      expect(invalid.status).toBe(422);
      const [published] = await contactsTopic.waitFor(
        (message) =>
          message.key === order.orderId &&
          message.headers['event-type'] === 'order.delivery-change-requested',
      );
      expect(decodeEnvelope(published!.value).payload).toMatchObject({
        value: { requestId: change.body.requestId, preferredDate: '2026-12-24' },
      });

      await publish(
        env.kafka,
        carrierScan(order, daysAgo(1), 'OUT_FOR_DELIVERY', { description: 'Out for delivery' }),
        carrierScan(order, new Date(), 'DELIVERED', { description: 'Delivered' }),
      );
      const delivered = await trackedWhen(order.token, (current) => current.status.state === 'DELIVERED');
      expect(delivered.proofOfDelivery).toMatchObject({ leftAt: 'front door' });
      expect(JSON.stringify(delivered)).not.toContain('NGUYEN THI LINH');
      const late = await env.request('POST', `/v1/track/${order.token}/delivery-changes`, {
        body: { preferredDate: '2026-12-24' },
      });
      const feedback = await env.request('POST', `/v1/track/${order.token}/feedback`, {
        body: { rating: 4, comment: 'knew where it was' },
      });
      const badRating = await env.request('POST', `/v1/track/${order.token}/feedback`, {
        body: { rating: 9 },
      });
      expect(late.status).toBe(409);
      expect(feedback.status).toBe(201);
      expect(badRating.status).toBe(422);
    });
  });

  describe('seller side', () => {
    it("lists only the merchant's orders with filters, attention reasons and a cursor", async () => {
      const stale = newOrder();
      const unshipped = newOrder();
      const noScan = newOrder();
      const fine = newOrder();
      const foreign = newOrder({ merchantId: 'globex' });
      await publish(
        env.kafka,
        orderReceived(stale, daysAgo(50)),
        productionStep(stale, daysAgo(48), 'PACKED'),
        shipmentRegistered(stale, daysAgo(48)),
        carrierScan(stale, daysAgo(47), 'EXCEPTION', {
          description: 'Held in customs',
          reason: 'CUSTOMS_HOLD',
        }),
        orderReceived(unshipped, daysAgo(9)),
        orderReceived(noScan, daysAgo(4)),
        productionStep(noScan, daysAgo(3), 'PACKED'),
        shipmentRegistered(noScan, daysAgo(3)),
        orderReceived(fine, daysAgo(1)),
        orderReceived(foreign, daysAgo(1)),
      );
      // Each order's facts arrive on their own topics; wait until every order shows its last one.
      await eventually(
        async () =>
          (await track(foreign.token)).status === 200 &&
          (await track(fine.token)).status === 200 &&
          (await track(unshipped.token)).status === 200 &&
          (await track(noScan.token)).body.status?.state === 'PACKED' &&
          (await track(stale.token)).body.status?.state === 'EXCEPTION',
      );

      const attention = await env.request<{ orders: Array<{ orderId: string; attentionReasons: string[] }> }>(
        'GET',
        `/v1/orders?requiresAttention=true&limit=200&from=${daysAgo(60).toISOString()}`,
        { token: merchant },
      );
      const reasons = new Map(attention.body.orders.map((row) => [row.orderId, row.attentionReasons]));
      expect(reasons.get(stale.orderId)).toEqual(['STALE_SHIPMENT', 'EXCEPTION', 'LATE']);
      expect(reasons.get(unshipped.orderId)).toEqual(['NOT_SHIPPED']);
      expect(reasons.get(noScan.orderId)).toEqual(['NO_CARRIER_SCAN']);
      expect(reasons.has(fine.orderId)).toBe(false);
      expect(reasons.has(foreign.orderId)).toBe(false);

      const byStatus = await env.request<{ orders: Array<{ orderId: string }> }>(
        'GET',
        `/v1/orders?status=EXCEPTION&carrier=ups&from=${daysAgo(60).toISOString()}`,
        { token: merchant },
      );
      expect(byStatus.body.orders.map((row) => row.orderId)).toContain(stale.orderId);
      expect(byStatus.body.orders.every((row) => row.orderId !== unshipped.orderId)).toBe(true);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: {
          status: number;
          body: { orders: Array<{ orderId: string }>; nextCursor: string | null };
        } = await env.request(
          'GET',
          `/v1/orders?limit=2&from=${daysAgo(60).toISOString()}${cursor ? `&cursor=${cursor}` : ''}`,
          {
            token: merchant,
          },
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.orders.map((row) => row.orderId));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(
        expect.arrayContaining([stale.orderId, unshipped.orderId, noScan.orderId, fine.orderId]),
      );
      expect(seen).not.toContain(foreign.orderId);

      const foreignRead = await env.request('GET', `/v1/orders/${foreign.orderId}`, { token: merchant });
      const badQuery = await env.request('GET', '/v1/orders?status=LOST_IN_SPACE', { token: merchant });
      const anonymous = await env.request('GET', '/v1/orders');
      expect(foreignRead.status).toBe(404);
      expect(badQuery.status).toBe(422);
      expect(anonymous.status).toBe(401);
    });
  });
});

interface StreamEvent {
  id: number;
  view: PublicView;
}

/** Reads a Server-Sent Events stream with fetch, as a browser's EventSource would receive it. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`stream answered ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: StreamEvent[] = [];
  let taken = 0;
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (id && data) events.push({ id: Number(id), view: JSON.parse(data) as PublicView });
      }
    }
  })();
  return {
    next: () => eventually(() => events[taken] && events[taken++]),
    nextWhere: (wanted: (event: StreamEvent) => boolean) =>
      eventually(() => {
        const index = events.findIndex((event, position) => position >= taken && wanted(event));
        if (index < 0) return undefined;
        taken = index + 1;
        return events[index];
      }),
    close: () => {
      controller.abort();
      void pump;
    },
  };
}
