import { eventually } from '@tracking/testing';
import { smsForm } from './support/http-sink';
import {
  daysFromNow,
  orderReceived,
  statusChanged,
  type BuyerInput,
  type StatusInput,
} from './support/events';
import { Harness, pause, sentEntries, TRACKING_BASE, type SettingsBody } from './support/harness';
import { smsLength } from '../src/domain/sms-segments';

describe('notification: what is sent', () => {
  const harness = new Harness();
  const MERCHANT = 'acme-messages';

  beforeAll(async () => {
    await harness.start();
    await harness.configureMerchant(MERCHANT, { replyTo: 'help@acme.example' });
  });

  afterAll(() => harness.close());

  it('confirms an order by email with the tracking link and the delivery window, HTML and plain text', async () => {
    const order = orderReceived({
      merchantId: MERCHANT,
      buyer: { firstName: 'Grace', email: 'grace@example.com' },
    });
    // tracking-api's first status carries the estimate; it is usually in before the confirmation
    // leaves (NOTIFICATION_COALESCE_MS), and here it is given a head start on its own topic.
    await harness.publish(
      statusChanged(order, { state: 'ORDER_RECEIVED', windowFrom: daysFromNow(4), windowTo: daysFromNow(6) }),
    );
    await pause(1_500);
    await harness.publish(order.event, order.contact);

    const [mail] = await eventually(
      () => harness.smtp.to('grace@example.com').length > 0 && harness.smtp.to('grace@example.com'),
    );
    const trackingUrl = `${TRACKING_BASE}/${order.trackingToken}`;
    expect(mail!.parsed.subject).toBe(`Order ${order.externalOrderId} confirmed`);
    expect(mail!.parsed.from?.value[0]).toEqual({ name: 'Acme Prints', address: 'updates@notify.example' });
    expect(mail!.parsed.replyTo?.value[0]?.address).toBe('help@acme.example');
    expect(mail!.parsed.html).toContain(`href="${trackingUrl}"`);
    expect(mail!.parsed.html).toContain('Hi Grace,');
    expect(mail!.parsed.text).toContain(trackingUrl);
    expect(mail!.parsed.text).toMatch(/Expected delivery: \d+/);
    expect(mail!.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail!.parsed.headers.get('auto-submitted')).toBe('auto-generated');

    const body = await harness.logUntil(order.orderId, MERCHANT, (log) => sentEntries(log).length > 0);
    const [sent] = sentEntries(body.log, 'email');
    expect(sent).toMatchObject({ kind: 'order_confirmation', recipient: 'g***@example.com', attempt: 1 });
    expect(mail!.parsed.messageId).toBe(sent!.providerMessageId);
  });

  /** Places an order, lets its confirmation go, then publishes `statuses` and waits for the email with `subject`. */
  async function mailFor(buyer: BuyerInput, statuses: StatusInput[], subject: RegExp, merchantId = MERCHANT) {
    const order = orderReceived({ merchantId, buyer });
    await harness.publish(order.event, order.contact);
    await harness.logUntil(order.orderId, merchantId, (log) =>
      log.some((entry) => entry.kind === 'order_confirmation' && entry.final),
    );
    for (const status of statuses) await harness.publish(statusChanged(order, status));
    const address = buyer.email!;
    const mail = await eventually(
      () => harness.smtp.to(address).find((candidate) => subject.test(candidate.parsed.subject ?? '')),
      {
        what: `an email matching ${subject}`,
      },
    );
    return { order, mail };
  }

  const inTransit = (extra: Partial<StatusInput> = {}): StatusInput => ({ state: 'IN_TRANSIT', ...extra });

  describe('every message kind (English)', () => {
    it('shipped: the first carrier scan, with the delivery window', async () => {
      const { order, mail } = await mailFor(
        { email: 'kind-shipped@example.com' },
        [{ state: 'PICKED_UP', windowFrom: daysFromNow(2), windowTo: daysFromNow(3) }],
        /has shipped/,
      );
      expect(mail.parsed.subject).toBe(`Your order ${order.externalOrderId} has shipped`);
      expect(mail.parsed.text).toContain('The carrier has it now.');
      expect(mail.parsed.text).toMatch(/Expected delivery: .*\d/);
    });

    it('out for delivery', async () => {
      const { mail } = await mailFor(
        { email: 'kind-ofd@example.com' },
        [{ state: 'OUT_FOR_DELIVERY' }],
        /out for delivery/,
      );
      expect(mail.parsed.text).toContain('should arrive today');
    });

    it('available for pickup', async () => {
      const { mail } = await mailFor(
        { email: 'kind-pickup@example.com' },
        [{ state: 'AVAILABLE_FOR_PICKUP' }],
        /ready for pickup/,
      );
      expect(mail.parsed.text).toContain('pickup point');
    });

    it('delivered, then the feedback request the configured time later', async () => {
      const deliveredAt = new Date();
      const { order, mail } = await mailFor(
        { email: 'kind-delivered@example.com' },
        [{ state: 'DELIVERED', occurredAt: deliveredAt }],
        /was delivered/,
      );
      expect(mail.parsed.text).toContain('We hope you enjoy it!');
      const feedback = await eventually(() =>
        harness.smtp
          .to('kind-delivered@example.com')
          .find((m) => /How was your order/.test(m.parsed.subject ?? '')),
      );
      // FEEDBACK_REQUEST_DELAY_MS is 2 s in these tests.
      const body = await harness.logUntil(order.orderId, MERCHANT, (log) =>
        log.some((entry) => entry.kind === 'feedback_request' && entry.outcome === 'SENT'),
      );
      const sentAt = body.log.find((entry) => entry.kind === 'feedback_request')!.at;
      expect(new Date(sentAt).getTime()).toBeGreaterThanOrEqual(deliveredAt.getTime() + 2_000);
      expect(feedback.parsed.html).toContain(`href="${TRACKING_BASE}/${order.trackingToken}"`);
      expect(feedback.parsed.subject).toBe(`How was your order ${order.externalOrderId}?`);
    });

    it('an exception, with its reason and the new window', async () => {
      const { mail } = await mailFor(
        { email: 'kind-exception@example.com' },
        [
          inTransit({
            state: 'DELIVERY_ATTEMPTED',
            milestone: 'OUT_FOR_DELIVERY',
            exception: { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' },
            windowFrom: daysFromNow(1),
            windowTo: daysFromNow(2),
          }),
        ],
        /delivery attempt failed/,
      );
      expect(mail.parsed.text).toContain('Reason: recipient not available.');
      expect(mail.parsed.text).toMatch(/New expected delivery: .*\d/);
    });

    it('a delay: the window moved to a later day', async () => {
      const order = orderReceived({ merchantId: MERCHANT, buyer: { email: 'kind-delay@example.com' } });
      await harness.publish(order.event, order.contact);
      await harness.publish(
        statusChanged(order, { state: 'PICKED_UP', windowFrom: daysFromNow(2), windowTo: daysFromNow(3) }),
      );
      await eventually(() =>
        harness.smtp.to('kind-delay@example.com').some((m) => /has shipped/.test(m.parsed.subject ?? '')),
      );
      await harness.publish(
        statusChanged(order, { state: 'IN_TRANSIT', windowFrom: daysFromNow(5), windowTo: daysFromNow(6) }),
      );

      const mail = await eventually(() =>
        harness.smtp.to('kind-delay@example.com').find((m) => /running late/.test(m.parsed.subject ?? '')),
      );
      expect(mail.parsed.text).toMatch(/New expected delivery: .*\d/);
      // The same window again is no news.
      await harness.publish(
        statusChanged(order, { state: 'IN_TRANSIT', windowFrom: daysFromNow(5), windowTo: daysFromNow(6) }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(
        harness.smtp.to('kind-delay@example.com').filter((m) => /running late/.test(m.parsed.subject ?? '')),
      ).toHaveLength(1);
    });
  });

  describe('every language', () => {
    const phone = (n: number) => `+8490${String(1_000_000 + n)}`;

    it('Vietnamese: email in Vietnamese; the SMS without diacritics in one segment, with the link', async () => {
      const buyer = { email: 'vi-buyer@example.com', phone: phone(1), locale: 'vi-VN', country: 'VN' };
      const { order, mail } = await mailFor(buyer, [{ state: 'PICKED_UP' }], /đã được gửi đi/);
      expect(mail.parsed.subject).toBe(`Đơn hàng ${order.externalOrderId} đã được gửi đi`);
      expect(mail.parsed.html).toContain('Theo dõi đơn hàng');
      expect(mail.parsed.html).toContain('lang="vi"');
      const request = await eventually(() =>
        harness.sms.requests.find(
          (r) => smsForm(r).get('To') === phone(1) && /da duoc gui/.test(smsForm(r).get('Body') ?? ''),
        ),
      );
      const text = smsForm(request).get('Body')!;
      expect(text).toContain(`${TRACKING_BASE}/${order.trackingToken}`);
      expect(text).toContain('Soan STOP de huy');
      expect(smsLength(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    });

    it('Russian: email in Russian; the SMS in Cyrillic with the link', async () => {
      const buyer = { email: 'ru-buyer@example.com', phone: phone(2), locale: 'ru-RU', country: 'RU' };
      const { order, mail } = await mailFor(buyer, [{ state: 'OUT_FOR_DELIVERY' }], /передан курьеру/);
      expect(mail.parsed.subject).toBe(`Заказ ${order.externalOrderId} передан курьеру`);
      expect(mail.parsed.text).toContain('Отследить заказ');
      const request = await eventually(() =>
        harness.sms.requests.find(
          (r) => smsForm(r).get('To') === phone(2) && /доставят сегодня/.test(smsForm(r).get('Body') ?? ''),
        ),
      );
      const text = smsForm(request).get('Body')!;
      expect(text).toContain(`${TRACKING_BASE}/${order.trackingToken}`);
      // UCS-2 leaves 70 characters a segment: a Cyrillic message and a link take two.
      expect(smsLength(text)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    });

    it('English SMS fits one segment with the link and the opt-out words', async () => {
      const buyer = {
        email: 'en-sms@example.com',
        phone: '+447700900111',
        locale: 'en-US',
        country: 'US',
        region: 'CA',
      };
      const { order } = await mailFor(
        buyer,
        [{ state: 'PICKED_UP', windowFrom: daysFromNow(2), windowTo: daysFromNow(4) }],
        /has shipped/,
      );
      const request = await eventually(() =>
        harness.sms.requests.find(
          (r) => smsForm(r).get('To') === '+447700900111' && /has shipped/.test(smsForm(r).get('Body') ?? ''),
        ),
      );
      const text = smsForm(request).get('Body')!;
      expect(text).toMatch(
        new RegExp(
          `^Acme Prints: order ${order.externalOrderId} has shipped\\. Expected .+\\. ${TRACKING_BASE}/${order.trackingToken} Reply STOP to opt out$`,
        ),
      );
      expect(smsLength(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
      expect(request.headers.authorization).toBe(
        `Basic ${Buffer.from('AC00000000000000000000000000000001:sms-auth-token-for-tests').toString('base64')}`,
      );
      expect(smsForm(request).get('From')).toBe('+15005550006');
    });

    it('a language without templates falls back to English; no language at all takes the merchant default', async () => {
      const merchant = 'acme-russian-default';
      await harness.configureMerchant(merchant, { defaultLocale: 'ru' });
      const german = orderReceived({
        merchantId: merchant,
        buyer: { email: 'de-buyer@example.com', locale: 'de-DE' },
      });
      const unknown = orderReceived({
        merchantId: merchant,
        buyer: { email: 'no-locale@example.com', locale: '' },
      });
      await harness.publish(german.event, german.contact, unknown.event, unknown.contact);

      const english = await eventually(() => harness.smtp.to('de-buyer@example.com')[0]);
      const russian = await eventually(() => harness.smtp.to('no-locale@example.com')[0]);
      expect(english.parsed.subject).toBe(`Order ${german.externalOrderId} confirmed`);
      expect(russian.parsed.subject).toBe(`Заказ ${unknown.externalOrderId} подтверждён`);
    });
  });

  describe('merchant settings', () => {
    it('answers defaults to a merchant that never saved any, and each merchant sees only its own', async () => {
      const fresh = await harness.env.request<SettingsBody>('GET', '/v1/settings', {
        token: await harness.merchantToken('acme-fresh'),
      });
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({
        senderName: null,
        defaultLocale: 'en',
        quietHours: { start: '21:00', end: '08:00' },
        webhook: { url: null, secret: null },
        messages: {
          shipped: { enabled: true, channels: ['email', 'sms'] },
          feedback_request: { enabled: true, channels: ['email'] },
        },
      });
      const mine = await harness.env.request<SettingsBody>('GET', '/v1/settings', {
        token: await harness.merchantToken(MERCHANT),
      });
      expect(mine.body.replyTo).toBe('help@acme.example');
    });

    it('refuses a bad document with each field and the reason, and changes nothing', async () => {
      const token = await harness.merchantToken(MERCHANT);
      const response = await harness.env.request<{
        status: number;
        errors: Array<{ field: string; reason: string }>;
      }>('PUT', '/v1/settings', {
        token,
        body: {
          timeZone: 'Mars/Olympus',
          quietHours: { start: '22:00', end: '22:00' },
          messages: { shipped: { enabled: true, channels: ['email', 'webhook'] } },
          templates: {
            shipped: { en: { subject: 'Shipped {{orderNumbr}}', html: '<p>{{#reason}}x</p>' } },
          },
        },
      });
      expect(response.status).toBe(422);
      const fields = response.body.errors.map((error) => error.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          'timeZone',
          'quietHours',
          'webhook.url',
          'templates.shipped.en.subject',
          'templates.shipped.en.html',
          'templates.shipped.en.text',
        ]),
      );
      expect(response.body.errors.find((e) => e.field === 'templates.shipped.en.subject')!.reason).toContain(
        'unknown placeholder {{orderNumbr}}',
      );
      const after = await harness.env.request<SettingsBody>('GET', '/v1/settings', { token });
      expect(after.body.replyTo).toBe('help@acme.example');
    });

    it('refuses unknown fields and wrong types as 422', async () => {
      const response = await harness.env.request<{ errors: Array<{ field: string }> }>(
        'PUT',
        '/v1/settings',
        {
          token: await harness.merchantToken('acme-typo'),
          body: { quietHour: null, messages: { shipped: { enabled: 'yes', channels: ['pigeon'] } } },
        },
      );
      expect(response.status).toBe(422);
      expect(response.body.errors.map((e) => e.field)).toEqual(
        expect.arrayContaining(['quietHour', 'messages.shipped.enabled', 'messages.shipped.channels']),
      );
    });

    it('needs a merchant token', async () => {
      expect((await harness.env.request('GET', '/v1/settings')).status).toBe(401);
      const centre = await harness.env.tokenFor('fulfillment_center', 'fc-1');
      expect((await harness.env.request('GET', '/v1/settings', { token: centre })).status).toBe(403);
      expect(
        (
          await harness.env.request('GET', `/v1/notifications?orderId=${crypto.randomUUID()}`, {
            token: centre,
          })
        ).status,
      ).toBe(403);
    });

    it('sends a merchant template override, and the built-in text where it overrides nothing', async () => {
      const merchant = 'acme-templates';
      await harness.configureMerchant(merchant, {
        templates: {
          shipped: {
            en: {
              subject: '{{merchantName}} shipped {{orderNumber}}!',
              html: '<p>Dear {{firstName}}, it is on its way.</p>{{#deliveryWindow}}<p>ETA {{deliveryWindow}}</p>{{/deliveryWindow}}',
              text: 'Dear {{firstName}}, it is on its way.',
              sms: 'Shipped {{orderNumber}}. Follow it here:',
            },
          },
        },
      });
      // With a window, so the override's window section renders whatever else is on the shared
      // topics: another file's tracking-api may project this order and publish an estimate of its
      // own. That the section is left out without a window is a unit test of the renderer.
      const { order, mail } = await mailFor(
        { email: 'override@example.com', firstName: '<Bob>', phone: '+447700900222' },
        [{ state: 'PICKED_UP', windowFrom: daysFromNow(2), windowTo: daysFromNow(3) }],
        /shipped/,
        merchant,
      );
      expect(mail.parsed.subject).toBe(`Acme Prints shipped ${order.externalOrderId}!`);
      // Values are escaped in HTML: a buyer's name cannot inject markup.
      expect(mail.parsed.html).toContain('Dear &lt;Bob&gt;, it is on its way.');
      expect(mail.parsed.html).toMatch(/<p>ETA [^<]*\d[^<]*<\/p>/);
      expect(mail.parsed.text).toContain('Dear <Bob>, it is on its way.');
      const request = await eventually(() =>
        harness.sms.requests.find(
          (r) => smsForm(r).get('To') === '+447700900222' && /Shipped/.test(smsForm(r).get('Body') ?? ''),
        ),
      );
      expect(smsForm(request).get('Body')).toBe(
        `Shipped ${order.externalOrderId}. Follow it here: ${TRACKING_BASE}/${order.trackingToken} Reply STOP to opt out`,
      );
      // The confirmation has no override: the built-in template.
      expect(harness.smtp.to('override@example.com').map((m) => m.parsed.subject)).toContain(
        `Order ${order.externalOrderId} confirmed`,
      );
    });

    it('sends nothing for a message kind the merchant turned off, and records why', async () => {
      const merchant = 'acme-no-confirmations';
      await harness.configureMerchant(merchant, {
        messages: { order_confirmation: { enabled: false, channels: ['email'] } },
      });
      const order = orderReceived({ merchantId: merchant, buyer: { email: 'no-confirmation@example.com' } });
      await harness.publish(order.event, order.contact);

      const body = await harness.logUntil(order.orderId, merchant, (log) => log.length > 0);
      expect(body.log).toEqual([
        expect.objectContaining({
          kind: 'order_confirmation',
          channel: 'email',
          outcome: 'SKIPPED',
          detail: 'order_confirmation messages are turned off in the merchant settings',
        }),
      ]);
      expect(body.notifications[0]).toMatchObject({ status: 'SKIPPED' });
      expect(harness.smtp.to('no-confirmation@example.com')).toHaveLength(0);
    });
  });

  describe('GET /v1/notifications', () => {
    it('is the delivery log, also published as notification.dispatched', async () => {
      const order = orderReceived({
        merchantId: MERCHANT,
        buyer: { email: 'log@example.com', phone: '+447700900333' },
      });
      await harness.publish(order.event, order.contact, statusChanged(order, { state: 'PICKED_UP' }));
      // Both channels of the shipped message: the confirmation's entries may come first.
      const body = await harness.logUntil(
        order.orderId,
        MERCHANT,
        (log) => sentEntries(log).filter((entry) => entry.kind === 'shipped').length >= 2,
      );
      const shipped = body.notifications.find((n) => n.kind === 'shipped')!;
      expect(shipped.deliveries.map((d) => [d.channel, d.status]).sort()).toEqual([
        ['email', 'SENT'],
        ['sms', 'SENT'],
      ]);
      const sms = body.log.find((entry) => entry.kind === 'shipped' && entry.channel === 'sms')!;
      expect(sms).toMatchObject({ outcome: 'SENT', final: true, recipient: '+4477*****333', attempt: 1 });
      expect(sms.providerMessageId).toMatch(/^SM\d{32}$/);
      expect(JSON.stringify(body)).not.toContain('log@example.com');
      expect(JSON.stringify(body)).not.toContain('+447700900333');

      // Once the log stops growing, every entry has its event and every event its entry.
      const events = await eventually(
        async () => {
          const log = (await harness.notifications(order.orderId, MERCHANT)).log
            .map((entry) => entry.entryId)
            .sort();
          const found = harness.dispatchedFor(order.orderId);
          // At least once: the outbox relay may publish an event twice; consumers dedupe by event id.
          const ids = [...new Set(found.map((event) => event.eventId))].sort();
          return JSON.stringify(ids) === JSON.stringify(log) && log.length >= body.log.length && found;
        },
        { timeoutMs: 40_000, what: 'one notification.dispatched event per log entry' },
      );
      const smsEvent = events.find((event) => event.eventId === sms.entryId)!;
      expect(smsEvent).toMatchObject({
        type: 'notification.dispatched',
        orderId: order.orderId,
        merchantId: MERCHANT,
        source: { service: 'notification', upstream: 'sms' },
        payload: {
          $case: 'notificationDispatched',
          value: {
            notificationId: shipped.notificationId,
            channel: 'SMS',
            triggerState: 'PICKED_UP',
            outcome: 'SENT',
            providerMessageId: sms.providerMessageId,
            attempt: 1,
            detail: 'shipped',
          },
        },
      });
      const raw = harness.dispatched.messages
        .filter((message) => message.key === order.orderId)
        .map((m) => m.value);
      expect(raw.join('\n')).not.toMatch(/log@example\.com|\+447700900333/);
    });

    it('answers 404 for another merchant’s order and 422 for an order id that is not one', async () => {
      const order = orderReceived({ merchantId: MERCHANT, buyer: { email: 'private@example.com' } });
      await harness.publish(order.event, order.contact);
      await harness.logUntil(order.orderId, MERCHANT, (log) => log.length > 0);
      const other = await harness.env.request('GET', `/v1/notifications?orderId=${order.orderId}`, {
        token: await harness.merchantToken('someone-else'),
      });
      expect(other.status).toBe(404);
      const bad = await harness.env.request<{ errors: Array<{ field: string }> }>(
        'GET',
        '/v1/notifications?orderId=1042',
        { token: await harness.merchantToken(MERCHANT) },
      );
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0]!.field).toBe('orderId');
    });
  });
});
