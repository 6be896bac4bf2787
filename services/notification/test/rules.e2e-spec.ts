import { randomUUID } from 'node:crypto';
import { eventually } from '@tracking/testing';
import { DateTime } from 'luxon';
import { smsForm } from './support/http-sink';
import { orderReceived, statusChanged, type BuyerInput } from './support/events';
import { Harness, pause, sentEntries, type LogEntryBody } from './support/harness';

describe('notification: once, in time, and only the latest', () => {
  const harness = new Harness();
  const MERCHANT = 'acme-rules';

  beforeAll(async () => {
    // A longer coalescing window than the other files, so a restart fits inside it.
    await harness.start({
      // Long enough for a burst published right after its order to arrive within the window on a loaded machine.
      NOTIFICATION_COALESCE_MS: '4000',
      NOTIFICATION_MAX_EVENT_AGE_MS: String(6 * 3_600_000),
    });
    await harness.configureMerchant(MERCHANT);
  });

  afterAll(() => harness.close());

  const subjects = (address: string) => harness.smtp.to(address).map((mail) => mail.parsed.subject);
  const kindsSent = (log: LogEntryBody[], channel = 'email') =>
    sentEntries(log, channel).map((entry) => entry.kind);

  async function placed(buyer: BuyerInput, merchantId = MERCHANT) {
    const order = orderReceived({ merchantId, buyer });
    await harness.publish(order.event, order.contact);
    await harness.logUntil(order.orderId, merchantId, (log) =>
      log.some((e) => e.kind === 'order_confirmation' && e.final),
    );
    return order;
  }

  describe('never the same notification twice', () => {
    it('for a redelivered status or a replayed one with a new event id', async () => {
      const order = await placed({ email: 'once@example.com' });
      const shipped = statusChanged(order, { state: 'PICKED_UP' });
      await harness.publish(shipped, shipped);
      await harness.publish(
        statusChanged(order, { state: 'PICKED_UP', occurredAt: new Date(shipped.occurredAt!) }),
      );
      await harness.publish(statusChanged(order, { state: 'IN_TRANSIT' }));
      await harness.logUntil(order.orderId, MERCHANT, (log) => kindsSent(log).includes('shipped'));
      await pause(2_500);
      const body = await harness.notifications(order.orderId, MERCHANT);
      expect(kindsSent(body.log)).toEqual(['order_confirmation', 'shipped']);
      expect(subjects('once@example.com').filter((s) => /has shipped/.test(s ?? ''))).toHaveLength(1);
    });

    it(
      'across a restart, for what was sent before it and what was only decided',
      async () => {
        const order = await placed({ email: 'restart@example.com', phone: '+447700900501' });
        const outForDelivery = statusChanged(order, { state: 'OUT_FOR_DELIVERY' });
        await harness.publish(outForDelivery);
        // Decided, still inside its coalescing window, not sent: the process stops here.
        await eventually(async () =>
          (await harness.notifications(order.orderId, MERCHANT)).notifications.some(
            (n) => n.kind === 'out_for_delivery',
          ),
        );
        await harness.restart(async () => {
          // While it is down the broker redelivers, and an upstream rebuild replays the same facts
          // under new event ids.
          const rebuilt = orderReceived({
            orderId: order.orderId,
            merchantId: MERCHANT,
            externalOrderId: order.externalOrderId,
            buyer: { email: 'restart@example.com' },
          });
          await harness.publish(
            order.event,
            order.contact,
            rebuilt.event,
            rebuilt.contact,
            outForDelivery,
            statusChanged(order, {
              state: 'OUT_FOR_DELIVERY',
              occurredAt: new Date(outForDelivery.occurredAt!),
            }),
          );
        });
        await harness.logUntil(order.orderId, MERCHANT, (log) =>
          kindsSent(log, 'sms').includes('out_for_delivery'),
        );
        await pause(2_500);

        const body = await harness.notifications(order.orderId, MERCHANT);
        expect(kindsSent(body.log)).toEqual(['order_confirmation', 'out_for_delivery']);
        expect(kindsSent(body.log, 'sms')).toEqual(['out_for_delivery']);
        expect(subjects('restart@example.com')).toHaveLength(2);
        expect(harness.sms.requests.filter((r) => smsForm(r).get('To') === '+447700900501')).toHaveLength(1);
      },
      // The local broker lets the restarted process back into the consumer group only after the
      // old member's session times out (about 30 s); a real cluster honours LeaveGroup at once.
      120_000,
    );
  });

  describe('bursts and backfills', () => {
    it('sends only the most recent meaningful status of a burst, and records the others as superseded', async () => {
      const order = orderReceived({ merchantId: MERCHANT, buyer: { email: 'burst@example.com' } });
      const start = Date.now() - 60 * 60_000;
      // The order is decided first (its confirmation waits out the coalescing window), then a
      // backfill brings four statuses at once.
      await harness.publish(order.event, order.contact);
      await eventually(
        async () => (await harness.notifications(order.orderId, MERCHANT)).notifications.length > 0,
      );
      await harness.publish(
        statusChanged(order, { state: 'PACKED', occurredAt: new Date(start) }),
        statusChanged(order, { state: 'PICKED_UP', occurredAt: new Date(start + 10 * 60_000) }),
        statusChanged(order, { state: 'IN_TRANSIT', occurredAt: new Date(start + 20 * 60_000) }),
        statusChanged(order, { state: 'OUT_FOR_DELIVERY', occurredAt: new Date(start + 30 * 60_000) }),
      );
      const body = await harness.logUntil(order.orderId, MERCHANT, (log) =>
        kindsSent(log).includes('out_for_delivery'),
      );
      await pause(1_000);
      const after = await harness.notifications(order.orderId, MERCHANT);
      expect(kindsSent(after.log)).toEqual(['out_for_delivery']);
      expect(subjects('burst@example.com')).toEqual([
        `Your order ${order.externalOrderId} is out for delivery`,
      ]);
      expect(after.notifications.map((n) => [n.kind, n.status])).toEqual([
        ['order_confirmation', 'SUPERSEDED'],
        ['shipped', 'SUPERSEDED'],
        ['out_for_delivery', 'EXPANDED'],
      ]);
      expect(body.log.find((e) => e.kind === 'shipped')).toMatchObject({
        outcome: 'SKIPPED',
        detail: 'superseded by the newer out_for_delivery message',
      });
    });

    it('never notifies about a status older than the configured age, and records it', async () => {
      const order = orderReceived({
        merchantId: MERCHANT,
        occurredAt: new Date(Date.now() - 9 * 3_600_000),
        buyer: { email: 'backfill@example.com' },
      });
      await harness.publish(
        order.event,
        order.contact,
        statusChanged(order, { state: 'DELIVERED', occurredAt: new Date(Date.now() - 7 * 3_600_000) }),
      );
      const body = await harness.logUntil(
        order.orderId,
        MERCHANT,
        (log) => log.filter((e) => e.final).length >= 3,
      );
      await pause(1_500);
      expect(harness.smtp.to('backfill@example.com')).toHaveLength(0);
      const after = await harness.notifications(order.orderId, MERCHANT);
      // The order and its status travel on different topics: either may be decided first.
      expect(after.notifications.map((n) => [n.kind, n.status]).sort()).toEqual([
        ['delivered', 'SKIPPED'],
        ['feedback_request', 'SKIPPED'],
        ['order_confirmation', 'SKIPPED'],
      ]);
      expect(body.log.find((entry) => entry.kind === 'delivered')!.detail).toBe(
        'the status occurred 7 h ago, more than NOTIFICATION_MAX_EVENT_AGE_MS allows',
      );
    });

    it('ignores a status older than the one already told (a straggler)', async () => {
      const order = await placed({ email: 'straggler@example.com' });
      await harness.publish(statusChanged(order, { state: 'DELIVERED' }));
      await harness.logUntil(order.orderId, MERCHANT, (log) => kindsSent(log).includes('delivered'));
      await harness.publish(
        statusChanged(order, { state: 'IN_TRANSIT', occurredAt: new Date(Date.now() - 3_600_000) }),
      );
      await pause(2_500);
      const body = await harness.notifications(order.orderId, MERCHANT);
      expect(body.notifications.map((n) => n.kind)).not.toContain('shipped');
    });

    it('waits for the order’s contact details when a status arrives first', async () => {
      const order = orderReceived({ merchantId: MERCHANT, buyer: { email: 'late-contact@example.com' } });
      await harness.publish(statusChanged(order, { state: 'PICKED_UP' }));
      await pause(2_500);
      await harness.publish(order.event, order.contact);
      await harness.logUntil(order.orderId, MERCHANT, (log) => kindsSent(log).includes('shipped'));
      // The confirmation came after a later status: superseded, not sent.
      expect(subjects('late-contact@example.com')).toEqual([
        `Your order ${order.externalOrderId} has shipped`,
      ]);
    });

    it('withdraws what is not sent yet when the order is cancelled', async () => {
      const order = orderReceived({ merchantId: MERCHANT, buyer: { email: 'cancelled@example.com' } });
      await harness.publish(order.event, order.contact, statusChanged(order, { state: 'CANCELLED' }));
      const body = await harness.logUntil(order.orderId, MERCHANT, (log) => log.some((e) => e.final));
      await pause(2_000);
      expect(harness.smtp.to('cancelled@example.com')).toHaveLength(0);
      // Withdrawn if it was decided first; recorded as not sent if the cancellation came first.
      expect(body.log).toEqual([
        expect.objectContaining({
          kind: 'order_confirmation',
          outcome: 'SKIPPED',
          detail: 'the order was cancelled',
        }),
      ]);
    });

    it('tells only the merchant about a tracking number the carrier does not know', async () => {
      const merchant = 'acme-merchant-only';
      await harness.configureMerchant(merchant, {
        webhook: { url: `${harness.webhookBaseUrl}/hooks/${merchant}` },
        messages: { exception: { enabled: true, channels: ['email', 'sms', 'webhook'] } },
      });
      const order = await placed({ email: 'not-recognized@example.com', phone: '+447700900502' }, merchant);
      await harness.publish(
        statusChanged(order, {
          state: 'NOT_RECOGNIZED',
          milestone: 'PACKED',
          exception: { state: 'NOT_RECOGNIZED', reason: 'OTHER' },
        }),
      );
      const body = await harness.logUntil(order.orderId, merchant, (log) =>
        log.some((e) => e.kind === 'exception' && e.final),
      );
      expect(body.log.filter((e) => e.kind === 'exception').map((e) => [e.channel, e.outcome])).toEqual([
        ['webhook', 'SENT'],
      ]);
      expect(subjects('not-recognized@example.com')).toHaveLength(1);
    });
  });

  describe('quiet hours, in the buyer’s time zone', () => {
    const zone = 'Asia/Ho_Chi_Minh';
    const merchant = 'acme-quiet';
    let quietEnd: DateTime;

    beforeAll(async () => {
      // Quiet hours around the buyer's present moment, wherever the test machine's clock is.
      const local = DateTime.now().setZone(zone);
      quietEnd = local.plus({ hours: 2 }).startOf('minute');
      await harness.configureMerchant(merchant, {
        quietHours: { start: local.minus({ hours: 1 }).toFormat('HH:mm'), end: quietEnd.toFormat('HH:mm') },
        messages: { order_confirmation: { enabled: false, channels: ['email'] } },
      });
    });

    const vietnameseBuyer = (email: string): BuyerInput => ({ email, locale: 'vi-VN', country: 'VN' });

    it('holds a message until the quiet hours end in the buyer’s zone', async () => {
      const order = orderReceived({
        merchantId: merchant,
        buyer: vietnameseBuyer('quiet-shipped@example.com'),
      });
      await harness.publish(order.event, order.contact, statusChanged(order, { state: 'PICKED_UP' }));
      const held = await eventually(async () => {
        const body = await harness.notifications(order.orderId, merchant);
        return body.notifications.find((n) => n.kind === 'shipped')?.deliveries[0];
      });
      expect(held).toMatchObject({
        channel: 'email',
        status: 'PENDING',
        heldForQuietHours: true,
        attempts: 0,
      });
      expect(held.nextAttemptAt).toBe(quietEnd.toUTC().toISO());
      await pause(1_000);
      expect(harness.smtp.to('quiet-shipped@example.com')).toHaveLength(0);
    });

    it('sends delivered and out-for-delivery at once, and drops the held message they make stale', async () => {
      const order = orderReceived({ merchantId: merchant, buyer: vietnameseBuyer('quiet-ofd@example.com') });
      await harness.publish(order.event, order.contact, statusChanged(order, { state: 'PICKED_UP' }));
      await eventually(
        async () =>
          (await harness.notifications(order.orderId, merchant)).notifications.find(
            (n) => n.kind === 'shipped',
          )?.deliveries[0],
      );
      await harness.publish(statusChanged(order, { state: 'OUT_FOR_DELIVERY' }));
      await harness.logUntil(order.orderId, merchant, (log) => kindsSent(log).includes('out_for_delivery'));
      await harness.publish(statusChanged(order, { state: 'DELIVERED' }));
      const body = await harness.logUntil(order.orderId, merchant, (log) =>
        kindsSent(log).includes('delivered'),
      );

      expect(harness.smtp.to('quiet-ofd@example.com').map((m) => m.parsed.subject)).toEqual([
        `Đơn hàng ${order.externalOrderId} đang được giao`,
        `Đơn hàng ${order.externalOrderId} đã được giao`,
      ]);
      expect(body.log.find((e) => e.kind === 'shipped' && e.channel === 'email')).toMatchObject({
        outcome: 'SKIPPED',
        detail: 'superseded by the newer out_for_delivery message',
      });
      // The feedback request is not urgent: it waits for the morning.
      const feedback = await eventually(async () =>
        (await harness.notifications(order.orderId, merchant)).notifications.find(
          (n) => n.kind === 'feedback_request' && n.deliveries.length > 0,
        ),
      );
      expect(feedback.deliveries[0]).toMatchObject({
        heldForQuietHours: true,
        nextAttemptAt: quietEnd.toUTC().toISO(),
      });
    });
  });

  it('publishes every delivery-log entry, the skipped ones included', async () => {
    const order = orderReceived({ merchantId: MERCHANT, buyer: { email: null, phone: null } });
    await harness.publish(order.event, order.contact);
    const body = await harness.logUntil(order.orderId, MERCHANT, (log) => log.some((e) => e.final));
    const events = await eventually(
      () =>
        harness.dispatchedFor(order.orderId).length === body.log.length &&
        harness.dispatchedFor(order.orderId),
      // Published through the outbox and read back by a consumer: give a loaded machine time.
      { timeoutMs: 90_000 },
    );
    expect(events[0]!.payload).toMatchObject({
      $case: 'notificationDispatched',
      value: {
        channel: 'EMAIL',
        outcome: 'SKIPPED',
        triggerState: 'ORDER_RECEIVED',
        detail: 'order_confirmation: the buyer gave no email address',
      },
    });
    expect(randomUUID()).not.toBe(events[0]!.eventId);
  }, 120_000);
});
