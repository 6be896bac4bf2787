import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  envelopeHeaders,
  ProductionStepRecorded_StepType,
  ReasonCode,
  TOPICS,
  TrackingState,
  trackingTokenHash,
  type EventEnvelope,
} from '@tracking/events';
import {
  createTestEnvironment,
  eventually,
  type MessageCollector,
  type ReceivedMessage,
  type TestEnvironment,
} from '@tracking/testing';
import { DataSource } from 'typeorm';
import { createOrderIntakeApp } from '../src/bootstrap';
import { OrderIntakeConfig } from '../src/config/order-intake.config';

interface OrderBody {
  orderId: string;
  status: string;
  trackingToken: string;
  trackingUrl: string;
  externalOrderId: string;
}

interface ProblemBody {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ field: string; reason: string }>;
}

function orderSubmission(overrides: Record<string, unknown> = {}) {
  return {
    externalOrderId: `SHOP-${randomUUID().slice(0, 8)}`,
    storefrontPlatform: 'shopify',
    placedAt: '2026-11-20T09:15:00Z',
    buyer: {
      name: 'Linh Nguyen',
      email: 'Linh@example.com',
      phone: '+84901234567',
      locale: 'vi-VN',
      notificationChannels: ['email', 'sms'],
      smsConsent: { granted: true, recordedAt: '2026-11-20T09:14:00Z', source: 'checkout' },
    },
    shippingAddress: {
      line1: '12 Ly Thuong Kiet',
      city: 'Hanoi',
      postalCode: '100000',
      country: 'vn',
    },
    lineItems: [{ sku: 'MUG-11OZ-WHITE', title: 'Custom mug', quantity: 2 }],
    fulfillmentCenterId: 'fc-hanoi-1',
    promisedDeliveryDate: '2026-12-02',
    ...overrides,
  };
}

describe('order-intake', () => {
  let env: TestEnvironment<OrderIntakeConfig>;
  let orderTopic: MessageCollector;
  let contactTopic: MessageCollector;
  let acme: string;

  beforeAll(async () => {
    env = await createTestEnvironment({ configClass: OrderIntakeConfig, createApp: createOrderIntakeApp });
    [orderTopic, contactTopic] = await Promise.all([
      env.kafka.collect(TOPICS.orders),
      env.kafka.collect(TOPICS.buyerContacts),
    ]);
    acme = await env.tokenFor('merchant', 'acme');
  });

  afterAll(() => env?.close());

  async function storedOrderCount(): Promise<number> {
    // Through the service's own pool: embedded PostgreSQL takes one connection at a time.
    const rows: Array<{ count: string }> = await env.app
      .get(DataSource)
      .query('SELECT count(*) FROM order_intake.orders');
    return Number(rows[0]!.count);
  }

  async function submit(body: unknown, token = acme) {
    return env.request<OrderBody & ProblemBody>('POST', '/v1/orders', { token, body });
  }

  function eventsFor(orderId: string) {
    return (message: { key: string | null }) => message.key === orderId;
  }

  describe('POST /v1/orders', () => {
    it('accepts an order, answers with its tracking link and publishes ORDER_RECEIVED keyed by order id', async () => {
      const submission = orderSubmission();

      const response = await submit(submission);

      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/v1/orders/${response.body.orderId}`);
      expect(response.body).toMatchObject({
        status: 'ORDER_RECEIVED',
        externalOrderId: submission.externalOrderId,
      });
      // 128 random bits need at least 22 base64url characters.
      expect(response.body.trackingToken).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect(response.body.trackingUrl).toBe(`http://localhost:3006/t/${response.body.trackingToken}`);

      const [message] = await orderTopic.waitFor(eventsFor(response.body.orderId));
      const event = decodeEnvelope(message!.value);
      expect(message!.headers['event-type'] ?? event.type).toBe('order.received');
      expect(event).toMatchObject({
        type: 'order.received',
        orderId: response.body.orderId,
        merchantId: 'acme',
        source: { service: 'order-intake', upstream: 'shopify' },
      });
      expect(event.payload).toMatchObject({
        $case: 'orderReceived',
        value: {
          externalOrderId: submission.externalOrderId,
          storefrontPlatform: 'SHOPIFY',
          trackingTokenHash: trackingTokenHash(response.body.trackingToken),
          fulfillmentCentreId: 'fc-hanoi-1',
          promisedDeliveryDate: '2026-12-02',
          buyerLocale: 'vi-VN',
          destination: { countryCode: 'VN' },
        },
      });

      const [contact] = await contactTopic.waitFor(eventsFor(response.body.orderId));
      expect(decodeEnvelope(contact!.value).payload).toMatchObject({
        $case: 'buyerContactRecorded',
        value: {
          trackingToken: response.body.trackingToken,
          buyer: {
            firstName: 'Linh',
            lastName: 'Nguyen',
            email: 'linh@example.com',
            locale: 'vi-VN',
            notificationPreferences: { email: true, sms: true },
          },
          shippingAddress: { city: 'Hanoi', countryCode: 'VN' },
        },
      });
    });

    it('keeps the tracking token and everything that reaches the buyer off the topic kept for good', async () => {
      const submission = orderSubmission();
      const response = await submit(submission);
      expect(response.status).toBe(201);

      const [message] = await orderTopic.waitFor(eventsFor(response.body.orderId));
      const onTheTopic = message!.value + JSON.stringify(message!.headers);
      for (const secret of [
        response.body.trackingToken,
        'linh@example.com',
        '+84901234567',
        'Linh',
        'Nguyen',
        '12 Ly Thuong Kiet',
        'Hanoi',
        '100000',
      ]) {
        expect(onTheTopic).not.toContain(secret);
      }
    });

    it('answers a retry of the same payload with 200 and the same order, publishing nothing new', async () => {
      const submission = orderSubmission();
      const first = await submit(submission);
      const retry = await submit(submission);

      expect(first.status).toBe(201);
      expect(retry.status).toBe(200);
      expect(retry.body.orderId).toBe(first.body.orderId);
      expect(retry.body.trackingToken).toBe(first.body.trackingToken);

      await orderTopic.waitFor(eventsFor(first.body.orderId));
      // A wrongly published second event was in the outbox when the retry was answered.
      await env.outboxRelayed();
      await orderTopic.readToEnd();
      expect(orderTopic.messages.filter(eventsFor(first.body.orderId))).toHaveLength(1);
    });

    it('refuses different content under an external order id already used, with 409', async () => {
      const submission = orderSubmission();
      await submit(submission);

      const changed = await submit({
        ...submission,
        lineItems: [{ sku: 'TEE-M', title: 'Tee', quantity: 1 }],
      });

      expect(changed.status).toBe(409);
      expect(changed.headers.get('content-type')).toContain('application/problem+json');
      expect(changed.body.code).toBe('CONFLICT');
    });

    it('keeps the same external order id of two merchants apart', async () => {
      const submission = orderSubmission();
      const globex = await env.tokenFor('merchant', 'globex');

      const first = await submit(submission);
      const second = await submit(submission, globex);

      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body.orderId).not.toBe(first.body.orderId);
    });

    it('names every bad field with 422 problem+json and stores nothing', async () => {
      const before = await storedOrderCount();

      const response = await submit(
        orderSubmission({
          storefrontPlatform: 'ebay',
          placedAt: 'yesterday',
          buyer: { name: '', email: 'not-an-email', locale: 'english' },
          shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'USA' },
          lineItems: [{ sku: 'A', title: 'A thing', quantity: 0 }],
          promisedDeliveryDate: '2026-02-30',
        }),
      );

      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('VALIDATION_FAILED');
      const fields = response.body.errors!.map((error) => error.field).sort();
      expect(fields).toEqual(
        expect.arrayContaining([
          'buyer.email',
          'buyer.locale',
          'buyer.name',
          'lineItems.0.quantity',
          'placedAt',
          'promisedDeliveryDate',
          'shippingAddress.country',
          'storefrontPlatform',
        ]),
      );
      expect(await storedOrderCount()).toBe(before);
    });

    it('requires a buyer contact, the nested objects, and SMS consent when SMS is chosen', async () => {
      const noContact = await submit(orderSubmission({ buyer: { name: 'Ivan Petrov', locale: 'ru' } }));
      expect(noContact.status).toBe(422);
      expect(noContact.body.errors!.map((error) => error.field)).toEqual(
        expect.arrayContaining(['buyer.email', 'buyer.phone']),
      );

      const { buyer: _buyer, shippingAddress: _address, ...withoutObjects } = orderSubmission();
      const missing = await submit(withoutObjects);
      expect(missing.status).toBe(422);
      expect(missing.body.errors!.map((error) => error.field)).toEqual(
        expect.arrayContaining(['buyer', 'shippingAddress']),
      );

      const smsWithoutConsent = await submit(
        orderSubmission({ buyer: { name: 'Ivan', phone: '+79161234567', notificationChannels: ['sms'] } }),
      );
      expect(smsWithoutConsent.status).toBe(422);
      expect(smsWithoutConsent.body.errors!.map((error) => error.field)).toContain('buyer.smsConsent');
    });

    it('refuses an order placed in the future beyond the clock-skew tolerance, and stores nothing', async () => {
      const before = await storedOrderCount();
      const tomorrow = new Date(Date.now() + 24 * 60 * 60_000).toISOString();
      const inAMinute = new Date(Date.now() + 60_000).toISOString();

      const future = await submit(orderSubmission({ placedAt: tomorrow }));
      expect(future.status).toBe(422);
      expect(future.body.errors).toEqual([
        { field: 'placedAt', reason: expect.stringMatching(/is in the future \(more than 5 minutes ahead/) },
      ]);
      expect(await storedOrderCount()).toBe(before);

      // A storefront whose clock runs a minute fast is skew, not a mistake.
      expect((await submit(orderSubmission({ placedAt: inAMinute }))).status).toBe(201);
    });

    it('answers malformed JSON with 400 problem+json', async () => {
      const response = await env.request<ProblemBody>('POST', '/v1/orders', {
        token: acme,
        rawBody: '{"externalOrderId": "SHOP-1",',
      });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    });

    it('refuses a missing or forged credential with 401 and a fulfillment centre with 403', async () => {
      const before = await storedOrderCount();

      const anonymous = await env.request<ProblemBody>('POST', '/v1/orders', { body: orderSubmission() });
      const forged = await submit(orderSubmission(), `${acme.slice(0, -4)}AAAA`);
      const centre = await submit(orderSubmission(), await env.tokenFor('fulfillment_center', 'fc-hanoi-1'));

      expect(anonymous.status).toBe(401);
      expect(forged.status).toBe(401);
      expect(centre.status).toBe(403);
      expect(await storedOrderCount()).toBe(before);
    });
  });

  describe('GET /v1/orders/:orderId', () => {
    it("returns the merchant's own order and 404 for another merchant's or an unknown id", async () => {
      const created = await submit(orderSubmission());
      const globex = await env.tokenFor('merchant', 'globex');

      const own = await env.request<OrderBody>('GET', `/v1/orders/${created.body.orderId}`, { token: acme });
      const foreign = await env.request<ProblemBody>('GET', `/v1/orders/${created.body.orderId}`, {
        token: globex,
      });
      const unknown = await env.request<ProblemBody>('GET', `/v1/orders/${randomUUID()}`, { token: acme });
      const notAnId = await env.request<ProblemBody>('GET', '/v1/orders/not-an-id', { token: acme });

      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ orderId: created.body.orderId, status: 'ORDER_RECEIVED' });
      expect(foreign.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(notAnId.status).toBe(404);
    });
  });

  describe('POST /v1/orders/:orderId/cancel', () => {
    it('cancels an order that is not packed yet and publishes order.cancelled', async () => {
      const created = await submit(orderSubmission());

      const cancelled = await env.request<OrderBody>('POST', `/v1/orders/${created.body.orderId}/cancel`, {
        token: acme,
        body: { reason: 'buyer changed their mind' },
      });
      const again = await env.request<OrderBody>('POST', `/v1/orders/${created.body.orderId}/cancel`, {
        token: acme,
        body: {},
      });

      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('CANCELLED');
      expect(again.status).toBe(200);
      const events = await orderTopic.waitFor(eventsFor(created.body.orderId), { count: 2 });
      const decoded = events.map((message) => decodeEnvelope(message.value));
      expect(decoded.map((event) => event.type)).toEqual(['order.received', 'order.cancelled']);
      expect(decoded[1]!.payload).toMatchObject({
        $case: 'orderCancelled',
        value: { reason: 'buyer changed their mind', requestedBy: 'MERCHANT' },
      });
      // A repeated cancel is answered, not published again.
      await env.outboxRelayed();
      await orderTopic.readToEnd();
      expect(orderTopic.messages.filter(eventsFor(created.body.orderId))).toHaveLength(2);
    });

    it('refuses with 409 and a reason once production reports the order packed', async () => {
      const created = await submit(orderSubmission());
      const orderId = created.body.orderId;

      await publishProductionStep(
        orderId,
        'acme',
        ProductionStepRecorded_StepType.PRODUCTION_STARTED,
        'IN_PRODUCTION',
      );
      await publishProductionStep(orderId, 'acme', ProductionStepRecorded_StepType.PACKED, 'PACKED');

      const order = await eventually(async () => {
        const response = await env.request<OrderBody>('GET', `/v1/orders/${orderId}`, { token: acme });
        return response.body.status === 'PACKED' ? response : undefined;
      });
      expect(order.body.status).toBe('PACKED');

      const refused = await env.request<ProblemBody>('POST', `/v1/orders/${orderId}/cancel`, {
        token: acme,
        body: {},
      });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('CONFLICT');
      expect(refused.body.detail).toMatch(/packed/);
    });

    it('keeps the order when production voids one label, and cancels it when production does', async () => {
      const created = await submit(orderSubmission());
      const orderId = created.body.orderId;
      const statusOf = async () =>
        (await env.request<OrderBody>('GET', `/v1/orders/${orderId}`, { token: acme })).body.status;

      // Same partition, so the voided label is applied before production starts.
      await publishProductionStep(orderId, 'acme', ProductionStepRecorded_StepType.LABEL_VOIDED, 'CANCELLED');
      await publishProductionStep(
        orderId,
        'acme',
        ProductionStepRecorded_StepType.PRODUCTION_STARTED,
        'IN_PRODUCTION',
      );
      expect(
        await eventually(async () => ((await statusOf()) === 'ORDER_RECEIVED' ? undefined : statusOf())),
      ).toBe('IN_PRODUCTION');

      await publishProductionStep(
        orderId,
        'acme',
        ProductionStepRecorded_StepType.CANCELLED_IN_PRODUCTION,
        'CANCELLED',
      );
      expect(
        await eventually(async () => ((await statusOf()) === 'CANCELLED' ? 'CANCELLED' : undefined)),
      ).toBe('CANCELLED');
    });

    it('is 404 for another merchant and changes nothing', async () => {
      const created = await submit(orderSubmission());
      const globex = await env.tokenFor('merchant', 'globex');

      const refused = await env.request('POST', `/v1/orders/${created.body.orderId}/cancel`, {
        token: globex,
        body: {},
      });
      const own = await env.request<OrderBody>('GET', `/v1/orders/${created.body.orderId}`, { token: acme });

      expect(refused.status).toBe(404);
      expect(own.body.status).toBe('ORDER_RECEIVED');
    });
  });

  async function publishProductionStep(
    orderId: string,
    merchantId: string,
    step: ProductionStepRecorded_StepType,
    state: TrackingState,
  ): Promise<void> {
    const event: EventEnvelope = createEnvelope({
      orderId,
      merchantId,
      ...(step === ProductionStepRecorded_StepType.LABEL_VOIDED ? { shipmentId: randomUUID() } : {}),
      occurredAt: new Date(),
      source: { service: 'production-status' },
      payload: {
        $case: 'productionStepRecorded',
        value: {
          step,
          state,
          reason: ReasonCode.REASON_CODE_UNSPECIFIED,
          fulfillmentCentreId: 'fc-hanoi-1',
          centreEventId: randomUUID(),
          facility: '',
          station: '',
          operatorId: '',
          note: '',
          shipments: [],
        },
      },
    });
    await env.kafka.publish(TOPICS.production, [
      { key: orderId, value: encodeEnvelope(event), headers: envelopeHeaders(event) },
    ]);
  }
  describe('erasing a buyer', () => {
    async function storedBuyer(orderId: string): Promise<string> {
      const rows: Array<{ row: string }> = await env.app
        .get(DataSource)
        .query(`SELECT (buyer || shipping_address)::text AS row FROM order_intake.orders WHERE id = $1`, [
          orderId,
        ]);
      return rows[0]!.row;
    }

    function erasuresOf(orderId: string) {
      return (message: ReceivedMessage) =>
        message.key === orderId && decodeEnvelope(message.value).type === 'order.buyer-erased';
    }

    it("erases a buyer from every one of the merchant's orders, here and on the events every service acts on", async () => {
      const email = `erase-${randomUUID().slice(0, 8)}@example.com`;
      const buyer = { ...orderSubmission().buyer, email };
      const first = await submit(orderSubmission({ buyer }));
      const second = await submit(orderSubmission({ buyer: { ...buyer, email: email.toUpperCase() } }));
      const otherMerchants = await submit(
        orderSubmission({ buyer }),
        await env.tokenFor('merchant', 'globex'),
      );
      const unrelated = await submit(orderSubmission());

      const erasure = await env.request<{ requestId: string; status: string; orderIds: string[] }>(
        'POST',
        '/v1/buyers/erasure',
        { token: acme, body: { email } },
      );

      expect(erasure.status).toBe(202);
      expect(erasure.body.status).toBe('accepted');
      expect(erasure.body.orderIds.sort()).toEqual([first.body.orderId, second.body.orderId].sort());
      for (const orderId of erasure.body.orderIds) {
        const stored = await storedBuyer(orderId);
        for (const personal of [email, 'Linh', 'Nguyen', '+84901234567', '12 Ly Thuong Kiet', 'Hanoi']) {
          expect(stored.toLowerCase()).not.toContain(personal.toLowerCase());
        }
        const [told] = await contactTopic.waitFor(erasuresOf(orderId));
        expect(decodeEnvelope(told!.value).payload).toMatchObject({
          $case: 'buyerErased',
          value: { requestId: erasure.body.requestId },
        });
        const order = await env.request<OrderBody & { erasedAt: string | null; buyer: { name: string } }>(
          'GET',
          `/v1/orders/${orderId}`,
          { token: acme },
        );
        expect(order.body.erasedAt).not.toBeNull();
        expect(order.body.buyer.name).toBe('');
      }
      expect(await storedBuyer(otherMerchants.body.orderId)).toContain(email);
      expect(await storedBuyer(unrelated.body.orderId)).toContain('linh@example.com');
    });

    it("erases one order's buyer, and is 404 for another merchant's order", async () => {
      const order = await submit(orderSubmission());

      const refused = await env.request<ProblemBody>('POST', `/v1/orders/${order.body.orderId}/erasure`, {
        token: await env.tokenFor('merchant', 'globex'),
      });
      expect(refused.status).toBe(404);
      expect(await storedBuyer(order.body.orderId)).toContain('linh@example.com');

      const erased = await env.request<{ orderIds: string[] }>(
        'POST',
        `/v1/orders/${order.body.orderId}/erasure`,
        {
          token: acme,
        },
      );
      expect(erased.status).toBe(202);
      expect(erased.body.orderIds).toEqual([order.body.orderId]);
      expect(await storedBuyer(order.body.orderId)).not.toContain('linh@example.com');
      await contactTopic.waitFor(erasuresOf(order.body.orderId));
    });

    it('refuses an erasure that names no buyer, with 422', async () => {
      const response = await env.request<ProblemBody>('POST', '/v1/buyers/erasure', {
        token: acme,
        body: {},
      });
      expect(response.status).toBe(422);
      expect(response.body.errors!.map((error) => error.field).sort()).toEqual(['email', 'phone']);
    });
  });
});
