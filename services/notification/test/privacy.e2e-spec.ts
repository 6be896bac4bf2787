import { randomUUID } from 'node:crypto';
import { eventually } from '@tracking/testing';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { smsForm } from './support/http-sink';
import { buyerErased, orderReceived, statusChanged } from './support/events';
import { Harness, sentEntries, type NotificationBody } from './support/harness';

const WAITING = 'waiting for the buyer’s contact details';
const ERASED = 'the buyer’s personal data was erased at the merchant’s request';

describe('notification: the buyer’s contact details, apart from the order, and their erasure', () => {
  const harness = new Harness();
  const MERCHANT = 'acme-privacy';
  let database: DataSource;

  beforeAll(async () => {
    await harness.start();
    await harness.configureMerchant(MERCHANT);
    database = harness.env.app.get(DataSource);
  });

  afterAll(() => harness.close());

  const notificationsOf = async (orderId: string, merchantId = MERCHANT) =>
    (await harness.notifications(orderId, merchantId)).notifications;
  const kindOf = (notifications: NotificationBody[], kind: string) =>
    notifications.find((notification) => notification.kind === kind);

  /** Whether the service has taken in an event (it is in the inbox), whatever it did with it. */
  const handled = async (eventId: string) =>
    ((await database.query(`SELECT 1 FROM notification.inbox WHERE event_id = $1`, [eventId])) as unknown[])
      .length > 0;

  describe('the contact details may come after the order', () => {
    it('confirms the order once the contact details come, however late, and only once', async () => {
      const address = 'late-contact-confirmation@example.com';
      const order = orderReceived({ merchantId: MERCHANT, buyer: { email: address } });
      await harness.publish(order.event);
      // Past its coalescing window the confirmation has nobody to go to yet: it waits, unsent.
      const waiting = await eventually(async () => {
        const confirmation = kindOf(await notificationsOf(order.orderId), 'order_confirmation');
        return confirmation?.statusDetail === WAITING && confirmation;
      });
      expect(waiting).toMatchObject({ status: 'PENDING', deliveries: [] });
      expect((await harness.notifications(order.orderId, MERCHANT)).log).toEqual([]);

      await harness.publish(order.contact);
      const body = await harness.logUntil(order.orderId, MERCHANT, (log) => sentEntries(log).length > 0);
      expect(sentEntries(body.log).map((entry) => [entry.kind, entry.channel])).toEqual([
        ['order_confirmation', 'email'],
      ]);
      const mails = harness.smtp.to(address);
      expect(mails.map((mail) => mail.parsed.subject)).toEqual([`Order ${order.externalOrderId} confirmed`]);
      expect(mails[0]!.parsed.text).toContain(order.trackingToken);
    });

    it('sends the message of a status that came before both the order and its contact details', async () => {
      const address = 'status-first@example.com';
      const order = orderReceived({ merchantId: MERCHANT, buyer: { email: address } });
      await harness.publish(statusChanged(order, { state: 'PICKED_UP' }));
      await eventually(
        async () => kindOf(await notificationsOf(order.orderId), 'shipped')?.statusDetail === WAITING,
      );
      await harness.publish(order.event);
      await eventually(async () =>
        (await notificationsOf(order.orderId)).some((n) => n.kind === 'order_confirmation'),
      );
      // The order alone is not enough: without the contact details there is still nobody to tell.
      expect(kindOf(await notificationsOf(order.orderId), 'shipped')).toMatchObject({
        status: 'PENDING',
        statusDetail: WAITING,
      });

      await harness.publish(order.contact);
      const body = await harness.logUntil(order.orderId, MERCHANT, (log) =>
        sentEntries(log).some((entry) => entry.kind === 'shipped'),
      );
      expect(sentEntries(body.log).map((entry) => entry.kind)).toEqual(['shipped']);
      // The confirmation was decided after a later status: recorded, not sent.
      expect(harness.smtp.to(address).map((mail) => mail.parsed.subject)).toEqual([
        `Your order ${order.externalOrderId} has shipped`,
      ]);
    });

    it('greets the buyer by name and links their page when the contact details came first', async () => {
      const address = 'contact-first@example.com';
      const order = orderReceived({ merchantId: MERCHANT, buyer: { firstName: 'Mary', email: address } });
      await harness.publish(order.contact);
      await eventually(() => handled(order.contact.eventId));
      await harness.publish(order.event);
      const [mail] = await eventually(() => harness.smtp.to(address).length > 0 && harness.smtp.to(address));
      expect(mail!.parsed.subject).toBe(`Order ${order.externalOrderId} confirmed`);
      expect(mail!.parsed.text).toContain('Hi Mary,');
      expect(mail!.parsed.text).toContain(order.trackingToken);
    });
  });

  describe('erasure', () => {
    const merchant = 'acme-erasure';

    beforeAll(async () => {
      // Quiet hours now in the buyer's zone, so a message that waits for the morning is still
      // pending when the erasure comes; out-for-delivery and delivered go at any hour.
      const local = DateTime.now().setZone('Europe/London');
      await harness.configureMerchant(merchant, {
        quietHours: {
          start: local.minus({ hours: 1 }).toFormat('HH:mm'),
          end: local.plus({ hours: 2 }).toFormat('HH:mm'),
        },
        messages: { order_confirmation: { enabled: false, channels: ['email'] } },
      });
    });

    /** Rows of the service's tables, the outbox's events included, that hold any of `needles`. */
    async function rowsHolding(orderId: string, needles: readonly string[]): Promise<string[]> {
      const tables = (await database.query(
        `SELECT table_name FROM information_schema.columns
          WHERE table_schema = 'notification' AND column_name = 'order_id'`,
      )) as Array<{ table_name: string }>;
      const found: string[] = [];
      for (const { table_name: table } of tables) {
        const rows = (await database.query(
          `SELECT t::text AS row FROM notification.${table} t WHERE t.order_id = $1`,
          [orderId],
        )) as Array<{ row: string }>;
        for (const { row } of rows) {
          if (needles.some((needle) => row.includes(needle))) found.push(`${table}: ${row}`);
        }
      }
      const outbox = (await database.query(
        `SELECT encode(payload, 'escape') AS payload FROM notification.outbox WHERE segment = $1`,
        [orderId],
      )) as Array<{ payload: string }>;
      for (const { payload } of outbox) {
        if (needles.some((needle) => payload.includes(needle))) found.push(`outbox: ${payload}`);
      }
      const byPhone = (await database.query(
        `SELECT 'sms_opt_outs' AS at FROM notification.sms_opt_outs WHERE phone = ANY($1)
         UNION ALL SELECT 'sms_replies' FROM notification.sms_replies WHERE phone = ANY($1)`,
        [[...needles]],
      )) as Array<{ at: string }>;
      return [...found, ...byPhone.map(({ at }) => at)];
    }

    it('keeps nothing that identifies or reaches the buyer, sends nothing more, and stays erased', async () => {
      const email = 'augusta.erasure@example.com';
      const phone = '+447700900777';
      const order = orderReceived({
        merchantId: merchant,
        buyer: { firstName: 'Augusta', email, phone, smsConsent: true },
      });
      const secrets = [email, phone, 'Augusta', order.trackingToken, 'a***@example.com', '+4477*****777'];
      await harness.publish(order.event, order.contact, statusChanged(order, { state: 'OUT_FOR_DELIVERY' }));
      await harness.logUntil(
        order.orderId,
        merchant,
        (log) => sentEntries(log).filter((entry) => entry.kind === 'out_for_delivery').length === 2,
      );
      // An exception waits for the morning: pending when the erasure comes.
      await harness.publish(
        statusChanged(order, {
          state: 'DELIVERY_ATTEMPTED',
          milestone: 'OUT_FOR_DELIVERY',
          exception: { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' },
        }),
      );
      await eventually(async () => {
        const exception = kindOf(await notificationsOf(order.orderId, merchant), 'exception');
        return exception?.deliveries.some((delivery) => delivery.heldForQuietHours);
      });
      expect(await rowsHolding(order.orderId, secrets)).not.toEqual([]);

      const erasure = buyerErased(order);
      await harness.publish(erasure);
      const withdrawn = await eventually(async () => {
        const exception = kindOf(await notificationsOf(order.orderId, merchant), 'exception');
        return exception?.deliveries.every((delivery) => delivery.status === 'SUPERSEDED') && exception;
      });
      expect(withdrawn.deliveries.map((delivery) => delivery.lastError)).toEqual(
        withdrawn.deliveries.map(() => ERASED),
      );

      // Erased again, and the old contact record redelivered under a new id (a topic replay):
      // nothing comes back. Then a status that would be told at any hour.
      const replayedContact = { ...order.contact, eventId: randomUUID() };
      await harness.publish(buyerErased(order), replayedContact, order.contact);
      await harness.publish(statusChanged(order, { state: 'DELIVERED' }));
      const body = await harness.logUntil(order.orderId, merchant, (log) =>
        ['email', 'sms'].every((channel) =>
          log.some((entry) => entry.kind === 'delivered' && entry.channel === channel && entry.final),
        ),
      );
      await eventually(() => handled(replayedContact.eventId));

      expect(
        body.log.filter((entry) => entry.kind === 'delivered').map((e) => [e.channel, e.outcome, e.detail]),
      ).toEqual([
        ['email', 'SKIPPED', ERASED],
        ['sms', 'SKIPPED', ERASED],
      ]);
      // The merchant's log still counts what went out, but no longer says to whom.
      const after = await harness.notifications(order.orderId, merchant);
      expect(
        sentEntries(after.log)
          .map((entry) => [entry.kind, entry.channel, entry.recipient])
          .sort(),
      ).toEqual([
        ['out_for_delivery', 'email', null],
        ['out_for_delivery', 'sms', null],
      ]);
      expect(JSON.stringify(after)).not.toMatch(/augusta|\*\*\*|\+44/i);
      expect(await rowsHolding(order.orderId, secrets)).toEqual([]);

      expect(harness.smtp.to(email).map((mail) => mail.parsed.subject)).toEqual([
        `Your order ${order.externalOrderId} is out for delivery`,
      ]);
      expect(harness.sms.requests.filter((request) => smsForm(request).get('To') === phone)).toHaveLength(1);
    });

    it('refuses a contact record that arrives after its erasure', async () => {
      const email = 'erased-before-contact@example.com';
      const order = orderReceived({ merchantId: merchant, buyer: { firstName: 'Ottoline', email } });
      // On a compacted topic the erasure may be all that is left of the order's contact record.
      const erasure = buyerErased(order);
      await harness.publish(order.event, erasure);
      await eventually(() => handled(erasure.eventId));
      await harness.publish(order.contact, statusChanged(order, { state: 'DELIVERED' }));
      const body = await harness.logUntil(order.orderId, merchant, (log) =>
        log.some((entry) => entry.kind === 'delivered' && entry.channel === 'email' && entry.final),
      );
      await eventually(() => handled(order.contact.eventId));
      expect(body.log.find((entry) => entry.kind === 'delivered')).toMatchObject({
        outcome: 'SKIPPED',
        detail: ERASED,
      });
      expect(await rowsHolding(order.orderId, [email, 'Ottoline', order.trackingToken])).toEqual([]);
      expect(harness.smtp.to(email)).toHaveLength(0);
    });
  });
});
