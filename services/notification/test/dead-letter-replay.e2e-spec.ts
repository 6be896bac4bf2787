import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ReplayResult } from '@tracking/kafka';
import { orderReceived, statusChanged } from './support/events';
import { Harness, sentEntries, type LogEntryBody, type NotificationsBody } from './support/harness';

const REPO_ROOT = resolve(__dirname, '../../..');

describe('notification: replaying dead-lettered sends', () => {
  const harness = new Harness();
  const MERCHANT = 'acme-replay';
  const ENDPOINT = `/hooks/${MERCHANT}`;

  beforeAll(async () => {
    await harness.start();
    harness.webhooks.script(ENDPOINT, { status: 503 });
    await harness.configureMerchant(MERCHANT, {
      webhook: { url: `${harness.webhookBaseUrl}${ENDPOINT}` },
      messages: {
        order_confirmation: { enabled: false, channels: ['email'] },
        shipped: { enabled: true, channels: ['email', 'webhook'] },
      },
    });
  });

  afterAll(() => harness.close());

  /** `npm run dead-letters:replay -- --service notification`, as an operator runs it. */
  async function replay(): Promise<ReplayResult> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'scripts/replay-dead-letters.ts', '--service', 'notification'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: harness.env.config.DATABASE_URL, LOG_LEVEL: 'warn' },
      },
    );
    return JSON.parse(stdout.trim().split('\n').pop()!) as ReplayResult;
  }

  const shippedOf = (body: Pick<NotificationsBody, 'notifications'>) =>
    body.notifications.find((notification) => notification.kind === 'shipped')!.deliveries;
  const finalOn = (channel: string) => (log: LogEntryBody[]) =>
    log.some((entry) => entry.kind === 'shipped' && entry.channel === channel && entry.final);

  it('sends a dead-lettered email and webhook once each when replayed, however often the replay runs', async () => {
    const email = 'replayed@example.com';
    harness.smtp.failTemporarily(email, 3);
    const order = orderReceived({ merchantId: MERCHANT, buyer: { email } });
    await harness.publish(order.event, order.contact, statusChanged(order, { state: 'PICKED_UP' }));
    await harness.logUntil(order.orderId, MERCHANT, finalOn('email'), 'the email dead-lettered');
    const dead = await harness.logUntil(
      order.orderId,
      MERCHANT,
      finalOn('webhook'),
      'the webhook dead-lettered',
    );
    expect(shippedOf(dead).map((d) => d.status)).toEqual(['DEAD_LETTERED', 'DEAD_LETTERED']);
    await harness.deadLetters.waitFor((letter) => letter.key === order.orderId, { count: 2 });

    // The cause is fixed: the mail server recovered (its three failures are used up), the endpoint too.
    harness.webhooks.script(ENDPOINT, { status: 204 });
    expect((await replay()).replayed).toBe(2);
    expect((await replay()).replayed).toBe(0);

    const { log, notifications } = await harness.logUntil(
      order.orderId,
      MERCHANT,
      (entries) => sentEntries(entries, 'email').length > 0 && sentEntries(entries, 'webhook').length > 0,
      'the replayed email and webhook sent',
    );
    expect(
      sentEntries(log)
        .map((entry) => [entry.channel, entry.attempt])
        .sort(),
    ).toEqual([
      ['email', 1],
      ['webhook', 1],
    ]);
    expect(shippedOf({ notifications }).map((d) => d.status)).toEqual(['SENT', 'SENT']);
    expect(harness.smtp.to(email)).toHaveLength(1);
    const calls = harness.webhooks.requests.filter((request) => request.path === ENDPOINT);
    expect(calls).toHaveLength(4);
    // The replayed call is the same message as the failed ones: the endpoint can tell.
    expect(new Set(calls.map((call) => call.headers['webhook-id'])).size).toBe(1);

    expect((await replay()).replayed).toBe(0);
    const after = await harness.notifications(order.orderId, MERCHANT);
    expect(shippedOf(after).map((d) => d.status)).toEqual(['SENT', 'SENT']);
  });
});
