import type { EventEnvelope } from '@tracking/events';
import { createTestEnvironment, eventually, type TestEnvironment } from '@tracking/testing';
import type { DataSource } from 'typeorm';
import { DataSource as TypeOrmDataSource } from 'typeorm';
import { createTrackingApiApp } from '../src/bootstrap';
import { TrackingApiConfig } from '../src/config/tracking-api.config';
import type { EvidencePack } from '../src/domain/evidence-pack';
import type { PublicView } from '../src/domain/order-projection';
import {
  buyerContactRecorded,
  buyerErased,
  carrierScan,
  daysAgo,
  MERCHANT,
  newOrder,
  orderReceived,
  publish,
  shipmentRegistered,
  type OrderFixture,
} from './support/tracking-facts';

describe('erasing a buyer', () => {
  let env: TestEnvironment<TrackingApiConfig>;
  let dataSource: DataSource;
  let merchant: string;

  beforeAll(async () => {
    env = await createTestEnvironment({ configClass: TrackingApiConfig, createApp: createTrackingApiApp });
    dataSource = env.app.get(TypeOrmDataSource);
    merchant = await env.tokenFor('merchant', MERCHANT);
  });

  afterAll(() => env?.close());

  async function viewWhen(order: OrderFixture, done: (view: PublicView) => boolean): Promise<PublicView> {
    return eventually(async () => {
      const response = await env.request<PublicView>('GET', `/v1/track/${order.token}`);
      return response.status === 200 && done(response.body) ? response.body : undefined;
    });
  }

  async function consumed(...events: EventEnvelope[]): Promise<void> {
    await eventually(
      async () => {
        const rows = await dataSource.query<Array<{ event_id: string }>>(
          `SELECT event_id FROM tracking_api.inbox WHERE event_id = ANY($1::uuid[])`,
          [events.map((event) => event.eventId)],
        );
        return rows.length === events.length;
      },
      { what: 'the events consumed' },
    );
  }

  async function storedEnvelopes(order: OrderFixture, type: string): Promise<unknown[]> {
    const rows = await dataSource.query<Array<{ envelope: unknown }>>(
      `SELECT envelope FROM tracking_api.events WHERE order_id = $1 AND type = $2`,
      [order.orderId, type],
    );
    return rows.map((row) => row.envelope);
  }

  it('greets the buyer by first name whichever of the contact and the order arrives first', async () => {
    const contactFirst = newOrder();
    const orderFirst = newOrder();
    await publish(env.kafka, buyerContactRecorded(contactFirst, { firstName: 'Mai', city: 'Hue' }));
    await publish(env.kafka, orderReceived(orderFirst, daysAgo(1)));
    await viewWhen(orderFirst, (view) => view.status.state === 'ORDER_RECEIVED');
    await publish(env.kafka, orderReceived(contactFirst, daysAgo(1)), buyerContactRecorded(orderFirst));

    const greeted = await viewWhen(contactFirst, (view) => view.buyer.firstName !== '');
    expect(greeted.buyer.firstName).toBe('Mai');
    expect(greeted.destination).toEqual({ city: 'Hue', countryCode: 'VN' });
    expect((await viewWhen(orderFirst, (view) => view.buyer.firstName !== '')).destination.city).toBe(
      'Hanoi',
    );
  });

  it("removes the buyer's name, city, notes, addresses and proof of delivery, and the order stays tracked and counted", async () => {
    const order = newOrder();
    const contact = buyerContactRecorded(order);
    await publish(
      env.kafka,
      contact,
      orderReceived(order, daysAgo(3)),
      shipmentRegistered(order, daysAgo(2)),
      carrierScan(order, daysAgo(2), 'IN_TRANSIT', { description: 'Departed' }),
    );
    await viewWhen(order, (view) => view.status.state === 'IN_TRANSIT' && view.buyer.firstName === 'Linh');

    const change = await env.request('POST', `/v1/track/${order.token}/delivery-changes`, {
      body: {
        address: { line1: '7 Hang Bac', city: 'Hanoi', postalCode: '100000', country: 'VN' },
        note: 'ring Linh at the side door',
      },
    });
    expect(change.status).toBe(202);
    // Published on the orders topic and consumed back as evidence of what the buyer asked for.
    await eventually(
      async () => (await storedEnvelopes(order, 'order.delivery-change-requested')).length === 1,
      {
        what: 'the delivery change stored as a fact',
      },
    );
    await publish(
      env.kafka,
      carrierScan(order, new Date(), 'DELIVERED', { description: 'Signed by NGUYEN' }),
    );
    await viewWhen(order, (view) => view.status.state === 'DELIVERED');
    const feedback = await env.request('POST', `/v1/track/${order.token}/feedback`, {
      body: { rating: 4, comment: 'Linh here, thanks for the updates' },
    });
    expect(feedback.status).toBe(201);
    const before = await env.request<EvidencePack>('GET', `/v1/orders/${order.orderId}/evidence`, {
      token: merchant,
    });
    expect(before.body.proofOfDelivery[0]).toMatchObject({ signedBy: 'NGUYEN THI LINH' });

    const erasure = buyerErased(order, 'era_first');
    await publish(env.kafka, erasure);
    await consumed(erasure);

    const view = await viewWhen(order, () => true);
    expect(view.status.state).toBe('DELIVERED');
    expect(view.buyer.firstName).toBe('');
    expect(view.destination).toEqual({ city: '', countryCode: 'VN' });
    const page = await env.request<string>('GET', `/track/${order.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Here is where your order is.');
    expect(page.body).not.toContain('Linh');

    const listed = await env.request<{ orders: Array<{ orderId: string; status: { state: string } }> }>(
      'GET',
      '/v1/orders?limit=200',
      { token: merchant },
    );
    expect(listed.body.orders).toContainEqual(
      expect.objectContaining({
        orderId: order.orderId,
        status: expect.objectContaining({ state: 'DELIVERED' }),
      }),
    );
    const merchantView = await env.request<PublicView>('GET', `/v1/orders/${order.orderId}`, {
      token: merchant,
    });
    expect(merchantView.status).toBe(200);
    expect(merchantView.body.buyer.firstName).toBe('');
    const pack = await env.request<EvidencePack>('GET', `/v1/orders/${order.orderId}/evidence`, {
      token: merchant,
    });
    expect(pack.status).toBe(200);
    expect(pack.body.timeline.map((entry) => entry.state)).toContain('DELIVERED');
    expect(pack.body.order.destination).toEqual({ city: '', countryCode: 'VN' });
    expect(pack.body.proofOfDelivery[0]).toMatchObject({
      signedBy: null,
      photoUrl: null,
      leftAt: 'front door',
    });
    expect(JSON.stringify(pack.body)).not.toMatch(/Linh|LINH|NGUYEN|Hang Bac/);

    // What the tables still hold about the order, personal data aside.
    const tables = await dataSource.query<Array<Record<string, unknown>>>(
      `SELECT (SELECT count(*)::int FROM tracking_api.buyer_contacts WHERE order_id = $1) AS greetings,
              (SELECT request_id FROM tracking_api.buyer_erasures WHERE order_id = $1) AS erased_by,
              (SELECT row_to_json(f) FROM (SELECT rating, comment FROM tracking_api.feedback WHERE order_id = $1) f) AS feedback,
              (SELECT json_agg(request) FROM tracking_api.delivery_change_requests WHERE order_id = $1) AS changes,
              (SELECT json_agg(public_view) FROM tracking_api.status_changes WHERE order_id = $1) AS versions`,
      [order.orderId],
    );
    expect(tables[0]).toMatchObject({
      greetings: 0,
      erased_by: 'era_first',
      feedback: { rating: 4, comment: null },
    });
    expect(JSON.stringify(tables[0]!.changes)).not.toMatch(/Hang Bac|side door/);
    expect(JSON.stringify(tables[0]!.versions)).not.toContain('Linh');
    const facts = JSON.stringify([
      ...(await storedEnvelopes(order, 'order.delivery-change-requested')),
      ...(await storedEnvelopes(order, 'carrier.scan-recorded')),
    ]);
    expect(facts).not.toMatch(/Hang Bac|side door|NGUYEN|pod\/123/);
  });

  it('keeps an erased buyer erased when the contact, a proof of delivery or the erasure comes again', async () => {
    const order = newOrder();
    const contact = buyerContactRecorded(order);
    await publish(
      env.kafka,
      orderReceived(order, daysAgo(2)),
      contact,
      shipmentRegistered(order, daysAgo(1)),
    );
    await viewWhen(order, (view) => view.buyer.firstName === 'Linh');
    const first = buyerErased(order, 'era_one');
    await publish(env.kafka, first);
    await consumed(first);

    // The contact record sent again (a new id, as a republish has), a carrier's delivery with its
    // signature arriving only now, and a second request for the same order.
    const again = buyerContactRecorded(order, { firstName: 'Linh' });
    const proof = carrierScan(order, new Date(), 'DELIVERED', {
      description: 'Signed by NGUYEN',
      via: 'POLL',
    });
    const second = buyerErased(order, 'era_two');
    await publish(env.kafka, again, proof, second);
    await consumed(again, proof, second);

    const view = await viewWhen(order, (current) => current.status.state === 'DELIVERED');
    expect(view.buyer.firstName).toBe('');
    const [marker] = await dataSource.query<Array<{ request_id: string; greetings: number }>>(
      `SELECT request_id, (SELECT count(*)::int FROM tracking_api.buyer_contacts WHERE order_id = $1) AS greetings
         FROM tracking_api.buyer_erasures WHERE order_id = $1`,
      [order.orderId],
    );
    expect(marker).toEqual({ request_id: 'era_one', greetings: 0 });
    expect(JSON.stringify(await storedEnvelopes(order, 'carrier.scan-recorded'))).not.toMatch(
      /NGUYEN|pod\/123/,
    );
  });
});
