import { eventually } from '@tracking/testing';
import { Client } from 'pg';
import { orderReceived } from './support/events';
import { Harness, pause, sentEntries } from './support/harness';

const SHUTDOWN_TIMEOUT_MS = 3_000;
// Far beyond the shutdown bound: a shutdown that waits for the send to time out overruns it.
const SEND_TIMEOUT_MS = 60_000;
// Generous, so a loaded machine does not fail the test; still far below the send timeout.
const SHUTDOWN_MARGIN_MS = 5_000;

interface DeliveryRow {
  status: string;
  attempts: number;
  claimable: boolean;
}

async function deliveriesOf(databaseUrl: string, orderId: string): Promise<DeliveryRow[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<DeliveryRow>(
      `SELECT status, attempts, locked_until <= now() AS claimable
         FROM notification.deliveries WHERE order_id = $1`,
      [orderId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe('notification: shutting down with sends in flight', () => {
  const harness = new Harness();
  const MERCHANT = 'acme-shutdown';
  const EMAIL = 'stalled@example.com';

  beforeAll(async () => {
    // Only this address stalls: orders other test files publish on the shared topic reach this
    // service too, and their emails must not take the senders.
    harness.smtp.stall(EMAIL);
    await harness.start({
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      NOTIFICATION_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
    });
    await harness.configureMerchant(MERCHANT);
  });

  afterAll(() => harness.close());

  it('stops within SHUTDOWN_TIMEOUT_MS and leaves a stalled email to the next replica, which sends it once', async () => {
    const order = orderReceived({ merchantId: MERCHANT, buyer: { email: EMAIL } });
    await harness.publish(order.event, order.contact);
    await eventually(async () => (harness.smtp.attempts.get(EMAIL) === 1 ? true : undefined), {
      what: 'the confirmation email to hang at RCPT TO',
      timeoutMs: 30_000,
    });

    const stopped = harness.stopApp();
    const stoppedWithinBound = await Promise.race([
      stopped.then(() => true),
      pause(SHUTDOWN_TIMEOUT_MS + SHUTDOWN_MARGIN_MS).then(() => false),
    ]);
    expect(stoppedWithinBound).toBe(true);

    // Released, not failed: claimable at once and the cut-off attempt not counted.
    expect(await deliveriesOf(harness.env.config.DATABASE_URL, order.orderId)).toEqual([
      { status: 'PENDING', attempts: 0, claimable: true },
    ]);

    harness.smtp.release(EMAIL);
    await harness.startApp();
    const { log } = await harness.logUntil(
      order.orderId,
      MERCHANT,
      (entries) => sentEntries(entries, 'email').length > 0,
      'the confirmation sent by the next process',
    );
    expect(sentEntries(log, 'email')).toEqual([expect.objectContaining({ attempt: 1 })]);
    expect(log.filter((entry) => entry.outcome === 'FAILED')).toEqual([]);
    expect(harness.smtp.to(EMAIL)).toHaveLength(1);
  });
});
