import { eventually } from '@tracking/testing';
import { Webhook } from 'standardwebhooks';
import { providerSignature } from '../src/channels/sms/twilio-signature';
import { smsForm } from './support/http-sink';
import { orderReceived, statusChanged, type BuyerInput } from './support/events';
import { Harness, pause, SMS_TOKEN, type LogEntryBody } from './support/harness';

describe('notification: channels, consent and failures', () => {
  const harness = new Harness();
  const MERCHANT = 'acme-delivery';

  beforeAll(async () => {
    await harness.start();
    await harness.configureMerchant(MERCHANT);
  });

  afterAll(() => harness.close());

  async function shippedOrder(buyer: BuyerInput, merchantId = MERCHANT) {
    const order = orderReceived({ merchantId, buyer });
    await harness.publish(order.event, order.contact, statusChanged(order, { state: 'PICKED_UP' }));
    return order;
  }

  const entriesOf = (log: LogEntryBody[], kind: string, channel: string) =>
    log.filter((entry) => entry.kind === kind && entry.channel === channel);
  const finalEntry = (kind: string, channel: string) => (log: LogEntryBody[]) =>
    entriesOf(log, kind, channel).some((entry) => entry.final);

  async function replySms(fields: Record<string, string>, signWith = SMS_TOKEN) {
    const url = `${harness.env.baseUrl}/v1/sms/inbound`;
    const params = Object.entries(fields);
    return harness.env.request<string>('POST', '/v1/sms/inbound', {
      rawBody: new URLSearchParams(fields).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': providerSignature(signWith, url, params),
      },
    });
  }

  const smsTo = (phone: string) =>
    harness.sms.requests.filter((request) => smsForm(request).get('To') === phone);

  describe('consent', () => {
    it('sends SMS only to a buyer with recorded consent', async () => {
      const consenting = await shippedOrder({
        email: 'consent-yes@example.com',
        phone: '+447700900401',
        smsConsent: true,
      });
      const silent = await shippedOrder({
        email: 'consent-no@example.com',
        phone: '+447700900402',
        wantsSms: true,
        smsConsent: false,
      });

      await harness.logUntil(consenting.orderId, MERCHANT, finalEntry('shipped', 'sms'));
      const log = (await harness.logUntil(silent.orderId, MERCHANT, finalEntry('shipped', 'sms'))).log;
      expect(smsTo('+447700900401').length).toBeGreaterThan(0);
      expect(smsTo('+447700900402')).toHaveLength(0);
      expect(entriesOf(log, 'shipped', 'sms')).toEqual([
        expect.objectContaining({
          outcome: 'SKIPPED',
          final: true,
          detail: 'no SMS consent recorded for the buyer',
        }),
      ]);
      await harness.logUntil(silent.orderId, MERCHANT, finalEntry('shipped', 'email'));
      expect(harness.smtp.to('consent-no@example.com').length).toBeGreaterThan(0);
    });

    it('records, without an error, that a buyer with no email and no consented phone gets nothing', async () => {
      const order = await shippedOrder({
        email: null,
        phone: '+447700900403',
        wantsSms: true,
        smsConsent: false,
      });
      const body = await harness.logUntil(
        order.orderId,
        MERCHANT,
        (log) => log.filter((e) => e.kind === 'shipped').length >= 2,
      );
      expect(entriesOf(body.log, 'shipped', 'email')).toEqual([
        expect.objectContaining({ outcome: 'SKIPPED', detail: 'the buyer gave no email address' }),
      ]);
      expect(entriesOf(body.log, 'shipped', 'sms')).toEqual([
        expect.objectContaining({ outcome: 'SKIPPED', detail: 'no SMS consent recorded for the buyer' }),
      ]);
      expect(body.log.every((entry) => entry.outcome === 'SKIPPED')).toBe(true);
      expect(smsTo('+447700900403')).toHaveLength(0);
      expect(harness.deadLetters.messages.filter((m) => m.key === order.orderId)).toHaveLength(0);
    });

    it('stops SMS after a STOP reply and sends again after START; a repeated callback is applied once', async () => {
      const phone = '+447700900404';
      const order = await shippedOrder({ email: 'stop@example.com', phone });
      await harness.logUntil(order.orderId, MERCHANT, finalEntry('shipped', 'sms'));
      expect(smsTo(phone)).toHaveLength(1);

      const stop = await replySms({
        From: phone,
        To: '+15005550006',
        Body: 'Stop',
        MessageSid: 'SMstop0001',
        AccountSid: 'AC1',
      });
      expect(stop.status).toBe(200);
      expect(stop.headers.get('content-type')).toContain('text/xml');
      await harness.publish(statusChanged(order, { state: 'OUT_FOR_DELIVERY' }));
      const afterStop = await harness.logUntil(
        order.orderId,
        MERCHANT,
        finalEntry('out_for_delivery', 'sms'),
      );
      expect(entriesOf(afterStop.log, 'out_for_delivery', 'sms')).toEqual([
        expect.objectContaining({ outcome: 'SKIPPED', detail: 'the buyer replied STOP to SMS' }),
      ]);
      await harness.logUntil(order.orderId, MERCHANT, finalEntry('out_for_delivery', 'email'));

      expect((await replySms({ From: phone, Body: 'START', MessageSid: 'SMstart0001' })).status).toBe(200);
      // The provider retries a callback it thinks failed: the old STOP must not undo the START.
      expect((await replySms({ From: phone, Body: 'Stop', MessageSid: 'SMstop0001' })).status).toBe(200);
      await harness.publish(statusChanged(order, { state: 'DELIVERED' }));
      await harness.logUntil(order.orderId, MERCHANT, finalEntry('delivered', 'sms'));
      expect(smsTo(phone)).toHaveLength(2);
      expect(smsForm(smsTo(phone)[1]!).get('Body')).toContain('was delivered');
    });

    it('refuses a reply without a valid provider signature, and answers HELP with the opt-out words', async () => {
      const forged = await replySms(
        { From: '+447700900405', Body: 'STOP', MessageSid: 'SMforged' },
        'wrong-token',
      );
      expect(forged.status).toBe(401);
      const help = await replySms({ From: '+447700900405', Body: 'help', MessageSid: 'SMhelp0001' });
      expect(help.status).toBe(200);
      expect(help.body).toContain('<Message>');
      expect(help.body).toContain('Reply STOP to opt out');
    });

    it('refuses a signed reply whose sender or text holds a NUL with 422 naming the field, keeping consent', async () => {
      const phone = '+447700900406';
      const order = await shippedOrder({ email: 'nul@example.com', phone });
      await harness.logUntil(order.orderId, MERCHANT, finalEntry('shipped', 'sms'));

      for (const [field, fields] of [
        ['From', { From: `${phone}\u0000`, Body: 'STOP', MessageSid: 'SMnul0001' }],
        ['Body', { From: phone, Body: 'STOP\u0000', MessageSid: 'SMnul0002' }],
      ] as const) {
        const refused = await replySms(fields);
        expect({ status: refused.status, type: refused.headers.get('content-type') }).toEqual({
          status: 422,
          type: expect.stringContaining('application/problem+json'),
        });
        expect(refused.body).toMatchObject({
          errors: [{ field, reason: 'must not contain the NUL character (U+0000)' }],
        });
      }

      // Neither refused STOP withdrew consent: the next message still goes by SMS.
      await harness.publish(statusChanged(order, { state: 'OUT_FOR_DELIVERY' }));
      await harness.logUntil(order.orderId, MERCHANT, finalEntry('out_for_delivery', 'sms'));
      expect(smsTo(phone)).toHaveLength(2);
    });
  });

  describe('merchant webhooks', () => {
    it('are signed per Standard Webhooks and carry no buyer contact data', async () => {
      const merchant = 'acme-webhooks';
      const settings = await harness.configureMerchant(merchant, {
        webhook: { url: `${harness.webhookBaseUrl}/hooks/${merchant}` },
        messages: { shipped: { enabled: true, channels: ['email', 'webhook'] } },
      });
      expect(settings.webhook.secret).toMatch(/^whsec_/);
      const order = await shippedOrder({ email: 'hooked@example.com', phone: '+447700900406' }, merchant);

      const request = await eventually(() =>
        harness.webhooks.requests.find((r) => r.path === `/hooks/${merchant}`),
      );
      const headers = {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };
      const payload = new Webhook(settings.webhook.secret!).verify(request.body, headers) as {
        type: string;
        data: Record<string, unknown>;
      };
      expect(payload).toMatchObject({
        type: 'notification.shipped',
        data: {
          orderId: order.orderId,
          externalOrderId: order.externalOrderId,
          kind: 'shipped',
          state: 'PICKED_UP',
        },
      });
      expect(request.body).not.toContain('hooked@example.com');
      expect(request.body).not.toContain('+447700900406');
      // A secret that is not the merchant's does not verify.
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(request.body, headers),
      ).toThrow();

      const body = await harness.logUntil(order.orderId, merchant, finalEntry('shipped', 'webhook'));
      expect(entriesOf(body.log, 'shipped', 'webhook')[0]).toMatchObject({
        outcome: 'SENT',
        providerMessageId: headers['webhook-id'],
      });
    });

    it('rotates the secret on request and keeps it otherwise', async () => {
      const merchant = 'acme-rotation';
      const url = `${harness.webhookBaseUrl}/hooks/${merchant}`;
      const first = await harness.configureMerchant(merchant, { webhook: { url } });
      const kept = await harness.configureMerchant(merchant, { webhook: { url } });
      const rotated = await harness.configureMerchant(merchant, { webhook: { url, rotateSecret: true } });
      expect(kept.webhook.secret).toBe(first.webhook.secret);
      expect(rotated.webhook.secret).not.toBe(first.webhook.secret);
      expect(rotated.webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    });

    it('are retried and, after the last attempt, dead-lettered with the reason', async () => {
      const merchant = 'acme-broken-endpoint';
      harness.webhooks.script(`/hooks/${merchant}`, { status: 503 });
      await harness.configureMerchant(merchant, {
        webhook: { url: `${harness.webhookBaseUrl}/hooks/${merchant}` },
        messages: { shipped: { enabled: true, channels: ['webhook'] } },
      });
      const order = await shippedOrder({ email: 'dead-letter@example.com' }, merchant);

      const body = await harness.logUntil(order.orderId, merchant, finalEntry('shipped', 'webhook'));
      const entries = entriesOf(body.log, 'shipped', 'webhook');
      expect(entries.map((e) => [e.outcome, e.final, e.attempt])).toEqual([
        ['FAILED', false, 1],
        ['FAILED', false, 2],
        ['FAILED', true, 3],
      ]);
      expect(entries[2]!.detail).toBe(
        'gave up after 3 attempts, dead-lettered: merchant endpoint answered 503',
      );
      expect(body.notifications.find((n) => n.kind === 'shipped')!.deliveries[0]).toMatchObject({
        status: 'DEAD_LETTERED',
        attempts: 3,
      });
      expect(harness.webhooks.requests.filter((r) => r.path === `/hooks/${merchant}`)).toHaveLength(3);
      // All three attempts carry the same message id, so the endpoint can tell a retry from a new message.
      expect(
        new Set(
          harness.webhooks.requests
            .filter((r) => r.path === `/hooks/${merchant}`)
            .map((r) => r.headers['webhook-id']),
        ).size,
      ).toBe(1);

      const [letter] = await harness.deadLetters.waitFor((m) => m.key === order.orderId);
      expect(letter!.headers['x-dead-letter-reason']).toContain('merchant endpoint answered 503');
      expect(letter!.headers['x-dead-letter-error-code']).toBe('DEPENDENCY_UNAVAILABLE');
      expect(JSON.parse(letter!.value)).toMatchObject({
        orderId: order.orderId,
        kind: 'shipped',
        channel: 'webhook',
        attempts: 3,
      });
    });
  });

  describe('failures', () => {
    it('retries a temporary SMTP failure with backoff until it is accepted', async () => {
      const address = 'greylisted@example.com';
      harness.smtp.failTemporarily(address, 2);
      const order = orderReceived({ merchantId: MERCHANT, buyer: { email: address } });
      await harness.publish(order.event, order.contact);

      const body = await harness.logUntil(order.orderId, MERCHANT, finalEntry('order_confirmation', 'email'));
      const entries = entriesOf(body.log, 'order_confirmation', 'email');
      expect(entries.map((e) => [e.outcome, e.final, e.attempt])).toEqual([
        ['FAILED', false, 1],
        ['FAILED', false, 2],
        ['SENT', true, 3],
      ]);
      expect(entries[0]!.detail).toMatch(/^attempt 1 failed, retrying at .+: SMTP 451/);
      expect(harness.smtp.to(address)).toHaveLength(1);
      // Exponential backoff: the second wait is not shorter than the first's minimum.
      const [first, second, third] = entries.map((e) => new Date(e.at).getTime());
      expect(second! - first!).toBeGreaterThanOrEqual(75);
      expect(third! - second!).toBeGreaterThanOrEqual(150);
    });

    it('records a hard bounce as a permanent failure and does not retry it', async () => {
      const address = 'no-such-user@example.com';
      harness.smtp.bounce(address);
      const order = orderReceived({ merchantId: MERCHANT, buyer: { email: address } });
      await harness.publish(order.event, order.contact);

      await harness.logUntil(order.orderId, MERCHANT, finalEntry('order_confirmation', 'email'));
      // Long enough for a retry to have been attempted had the bounce been treated as transient.
      await pause(1_000);
      const body = await harness.notifications(order.orderId, MERCHANT);
      const entries = entriesOf(body.log, 'order_confirmation', 'email');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ outcome: 'FAILED', final: true, attempt: 1 });
      expect(entries[0]!.detail).toMatch(/^permanent failure, not retried: SMTP 550 after RCPT/);
      // The server's reply quotes the address; the log keeps the reply, not the address.
      expect(entries[0]!.detail).not.toContain(address);
      expect(JSON.stringify(body)).not.toContain(address);
      expect(body.notifications[0]!.deliveries[0]).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(harness.smtp.attempts.get(address)).toBe(1);
      expect(harness.deadLetters.messages.filter((m) => m.key === order.orderId)).toHaveLength(0);
    });

    it('records an invalid phone number refused by the SMS provider as permanent', async () => {
      const phone = '+447700900407';
      harness.sms.script(phone, {
        status: 400,
        body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 },
      });
      const order = await shippedOrder({ email: 'bad-phone@example.com', phone });

      await harness.logUntil(order.orderId, MERCHANT, finalEntry('shipped', 'sms'));
      await pause(800);
      const entries = entriesOf((await harness.notifications(order.orderId, MERCHANT)).log, 'shipped', 'sms');
      expect(entries).toEqual([
        expect.objectContaining({
          outcome: 'FAILED',
          final: true,
          detail: expect.stringContaining('(error 21211)'),
        }),
      ]);
      expect(smsTo(phone)).toHaveLength(1);
    });

    it('retries an SMS provider that is briefly unavailable', async () => {
      const phone = '+447700900408';
      harness.sms.script(
        phone,
        { status: 503, body: { code: 20503, message: 'Service unavailable' } },
        { status: 201, body: { sid: 'SMretried000000000000000000000001', status: 'queued' } },
      );
      const order = await shippedOrder({ email: 'flaky-sms@example.com', phone });

      const body = await harness.logUntil(order.orderId, MERCHANT, finalEntry('shipped', 'sms'));
      expect(
        entriesOf(body.log, 'shipped', 'sms').map((e) => [e.outcome, e.attempt, e.providerMessageId]),
      ).toEqual([
        ['FAILED', 1, null],
        ['SENT', 2, 'SMretried000000000000000000000001'],
      ]);
    });
  });
});
