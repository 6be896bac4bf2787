import { Client } from 'pg';
import { orderReceived, statusChanged } from './support/events';
import { Harness, type SettingsBody } from './support/harness';

interface Problem {
  status: number;
  errors?: Array<{ field: string; reason: string }>;
}

describe('notification: merchant webhooks cannot reach internal addresses', () => {
  const harness = new Harness();
  const MERCHANT = 'acme-ssrf';

  beforeAll(() => harness.start({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }));
  afterAll(() => harness.close());

  async function putWebhook(url: string) {
    return harness.env.request<Problem & SettingsBody>('PUT', '/v1/settings', {
      token: await harness.merchantToken(MERCHANT),
      body: { quietHours: null, webhook: { url } },
    });
  }

  it.each([
    ['http://127.0.0.1:8080/hooks', 'loopback'],
    ['http://[::1]/hooks', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hooks', 'loopback'],
    ['http://localhost/hooks', 'internal host name'],
    ['http://10.1.2.3/hooks', 'private'],
    ['http://172.20.0.5/hooks', 'private'],
    ['http://192.168.1.20/hooks', 'private'],
    ['http://[fd00::5]/hooks', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'internal host name'],
    ['http://[fe80::1]/hooks', 'link-local'],
    ['http://0.0.0.0/hooks', 'unspecified'],
    ['http://100.64.1.1/hooks', 'carrier-grade NAT'],
  ])('refuses the webhook URL %s with 422 naming webhook.url, and saves nothing', async (url, what) => {
    const response = await putWebhook(url);

    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      { field: 'webhook.url', reason: expect.stringContaining(what) as string },
    ]);
    const stored = await harness.env.request<SettingsBody>('GET', '/v1/settings', {
      token: await harness.merchantToken(MERCHANT),
    });
    expect(stored.body.webhook.url).toBeNull();
  });

  it('accepts a webhook URL on a public name', async () => {
    const response = await putWebhook('https://hooks.acme.example/tracking');
    expect(response.status).toBe(200);
    expect(response.body.webhook.url).toBe('https://hooks.acme.example/tracking');
  });

  it('refuses for good, with the reason, a webhook whose stored URL points at loopback', async () => {
    const merchant = 'acme-ssrf-legacy';
    await harness.configureMerchant(merchant, {
      webhook: { url: 'https://hooks.acme.example/legacy' },
      messages: { shipped: { enabled: true, channels: ['webhook'] } },
    });
    // As saved before URLs were checked: straight into the table, past the settings API.
    const client = new Client({ connectionString: harness.env.config.DATABASE_URL });
    await client.connect();
    try {
      await client.query(
        `UPDATE notification.merchant_settings
            SET settings = jsonb_set(settings, '{webhook,url}', to_jsonb($2::text))
          WHERE merchant_id = $1`,
        [merchant, `${harness.webhookBaseUrl}/hooks/${merchant}`],
      );
    } finally {
      await client.end();
    }
    const order = orderReceived({ merchantId: merchant, buyer: { email: 'ssrf@example.com' } });
    await harness.publish(order.event, order.contact, statusChanged(order, { state: 'PICKED_UP' }));

    const { log, notifications } = await harness.logUntil(
      order.orderId,
      merchant,
      (entries) => entries.some((entry) => entry.channel === 'webhook' && entry.final),
      'the webhook delivery to end',
    );
    const webhookEntries = log.filter((entry) => entry.channel === 'webhook');
    expect(webhookEntries).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        final: true,
        attempt: 1,
        detail: expect.stringContaining('127.0.0.1 is a loopback address') as string,
      }),
    ]);
    expect(webhookEntries[0]!.detail).toMatch(/^permanent failure, not retried: webhook URL refused/);
    expect(
      notifications.find((n) => n.kind === 'shipped')!.deliveries.find((d) => d.channel === 'webhook'),
    ).toMatchObject({
      status: 'FAILED',
      attempts: 1,
    });
    expect(harness.webhooks.requests.filter((r) => r.path === `/hooks/${merchant}`)).toHaveLength(0);
  });
});
