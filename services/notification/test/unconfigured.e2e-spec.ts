import { orderReceived, statusChanged } from './support/events';
import { Harness } from './support/harness';

describe('notification: without SMTP or an SMS provider', () => {
  const harness = new Harness();
  const MERCHANT = 'acme-unconfigured';

  beforeAll(async () => {
    // Empty means unset: the service starts as `npm start` runs it with nothing configured.
    await harness.start({
      SMTP_URL: '',
      EMAIL_FROM: '',
      SMS_PROVIDER_BASE_URL: '',
      SMS_ACCOUNT_SID: '',
      SMS_AUTH_TOKEN: '',
      SMS_FROM: '',
    });
    await harness.configureMerchant(MERCHANT);
  });

  afterAll(() => harness.close());

  it('records each message as skipped because the channel is not configured, and keeps running', async () => {
    const order = orderReceived({
      merchantId: MERCHANT,
      buyer: { email: 'nowhere@example.com', phone: '+447700900601' },
    });
    await harness.publish(order.event, order.contact, statusChanged(order, { state: 'PICKED_UP' }));

    const body = await harness.logUntil(
      order.orderId,
      MERCHANT,
      (log) => log.filter((e) => e.kind === 'shipped').length >= 2,
    );
    const shipped = body.log.filter((entry) => entry.kind === 'shipped');
    expect(shipped.map((entry) => [entry.channel, entry.outcome, entry.detail]).sort()).toEqual([
      ['email', 'SKIPPED', 'email channel not configured: set SMTP_URL and EMAIL_FROM'],
      [
        'sms',
        'SKIPPED',
        'sms channel not configured: set SMS_PROVIDER_BASE_URL, SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM',
      ],
    ]);
    expect(harness.smtp.mails).toHaveLength(0);
    expect(harness.sms.requests).toHaveLength(0);
    expect((await harness.env.request('GET', '/health/ready')).status).toBe(200);
  });

  it('refuses SMS replies while no auth token can verify them', async () => {
    const response = await harness.env.request('POST', '/v1/sms/inbound', {
      rawBody: 'From=%2B447700900601&Body=STOP&MessageSid=SM1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
    });
    expect(response.status).toBe(401);
  });
});
