/**
 * The notification baseline: a plain kafkajs consumer of tracking.status.v1 that, for each
 * status event, does one INSERT (the decision) into a table of its own database and hands the
 * buyer's message to the same SMTP server with nodemailer (pooled, as many connections as the
 * service's transport) and to the same SMS sink with fetch. The buyers' contact details are given
 * to it before the clock (the service learns them from order.received). None of the service's
 * framework, inbox, order progress, rules, coalescing, delivery table, delivery log or outbox;
 * its consumer waits as long for a fetch as the services' consumers do, and it has as many sends
 * in flight as the service's dispatcher. notification is compared against it.
 */
import { decodeEnvelope, TOPICS } from '@tracking/events';
import { type EachBatchPayload, Kafka, logLevel } from 'kafkajs';
import { createTransport } from 'nodemailer';
import { Pool } from 'pg';
import { serveCommands } from '../lib/ipc';

/** What the service has of a buyer once it has read their order.received. */
export interface BareContact {
  orderId: string;
  externalOrderId: string;
  firstName: string;
  email: string;
  phone: string;
  trackingToken: string;
}

export interface BareNotifierOptions {
  brokers: string;
  groupId: string;
  databaseUrl: string;
  poolSize: number;
  smtpUrl: string;
  emailFrom: string;
  smsBaseUrl: string;
  smsAccountSid: string;
  smsAuthToken: string;
  smsFrom: string;
  trackingBaseUrl: string;
  senderName: string;
  /** Sends in flight at once (the service's NOTIFICATION_DISPATCH_CONCURRENCY). */
  sendConcurrency: number;
  /** Connections of the nodemailer pool (the service's transport has 4). */
  smtpConnections: number;
  /** The services' consumers wait this long for a fetch to fill. */
  fetchWaitMs: number;
  partitionsConsumedConcurrently: number;
}

/** A counting semaphore: at most `limit` sends in flight. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.free = limit;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

let stopConsumer: () => Promise<void> = async () => undefined;
const stats = { events: 0, skipped: 0, emailsSent: 0, smsSent: 0, failures: 0, firstFailure: '' };

function failed(error: unknown): void {
  stats.failures += 1;
  stats.firstFailure ||= error instanceof Error ? error.message : String(error);
}

const commands = {
  /** Connects everything and joins the group (positioned at the end of the topic by the parent). */
  start: async ({ options, contacts }: { options: BareNotifierOptions; contacts: BareContact[] }) => {
    const byOrder = new Map(contacts.map((contact) => [contact.orderId, contact]));
    const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize });
    await pool.query(
      `CREATE TABLE IF NOT EXISTS notifications (
         id bigserial PRIMARY KEY,
         event_id uuid NOT NULL,
         order_id uuid NOT NULL,
         kind text NOT NULL,
         decided_at timestamptz NOT NULL DEFAULT now())`,
    );
    const transport = createTransport({
      url: options.smtpUrl,
      pool: true,
      maxConnections: options.smtpConnections,
    } as Parameters<typeof createTransport>[0]);
    const smsEndpoint = `${options.smsBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(options.smsAccountSid)}/Messages.json`;
    const authorization = `Basic ${Buffer.from(`${options.smsAccountSid}:${options.smsAuthToken}`).toString('base64')}`;
    const domain = options.emailFrom.split('@')[1] ?? 'localhost';
    const slots = new Slots(options.sendConcurrency);

    const sendEmail = async (contact: BareContact, eventId: string, trackingUrl: string) => {
      const subject = `Your order ${contact.externalOrderId} is out for delivery`;
      const text = `Hi ${contact.firstName},\n\nYour order ${contact.externalOrderId} is out for delivery and should arrive today.\n\nTrack your order: ${trackingUrl}\n\n${options.senderName}`;
      const html =
        `<!doctype html><html lang="en"><body><p>Hi ${escapeHtml(contact.firstName)},</p>` +
        `<p>Your order ${escapeHtml(contact.externalOrderId)} is out for delivery and should arrive today.</p>` +
        `<p><a href="${escapeHtml(trackingUrl)}">Track your order</a></p>` +
        `<p>${escapeHtml(options.senderName)}</p></body></html>`;
      await transport.sendMail({
        from: { name: options.senderName, address: options.emailFrom },
        to: contact.email,
        subject,
        text,
        html,
        messageId: `<${eventId}.email@${domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      stats.emailsSent += 1;
    };

    const sendSms = async (contact: BareContact, trackingUrl: string) => {
      const form = new URLSearchParams({
        To: contact.phone,
        From: options.smsFrom,
        Body: `${options.senderName}: your order ${contact.externalOrderId} is out for delivery and should arrive today. ${trackingUrl} Reply STOP to opt out`,
      });
      const response = await fetch(smsEndpoint, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
      });
      const answer = (await response.json().catch(() => ({}))) as { sid?: string };
      if (!response.ok || !answer.sid) throw new Error(`SMS sink answered ${response.status}`);
      stats.smsSent += 1;
    };

    const handle = async (value: Buffer | null): Promise<void> => {
      const envelope = decodeEnvelope(value ?? Buffer.alloc(0));
      const contact = byOrder.get(envelope.orderId);
      if (envelope.payload?.$case !== 'trackingStatusChanged' || !contact) {
        stats.skipped += 1;
        return;
      }
      stats.events += 1;
      await pool.query('INSERT INTO notifications (event_id, order_id, kind) VALUES ($1, $2, $3)', [
        envelope.eventId,
        envelope.orderId,
        'out_for_delivery',
      ]);
      const trackingUrl = `${options.trackingBaseUrl}/${contact.trackingToken}`;
      await Promise.all([
        slots.run(() => sendEmail(contact, envelope.eventId, trackingUrl)).catch(failed),
        slots.run(() => sendSms(contact, trackingUrl)).catch(failed),
      ]);
    };

    const kafka = new Kafka({
      clientId: 'bench-bare-notifier',
      brokers: options.brokers.split(','),
      logLevel: logLevel.ERROR,
    });
    const consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: options.fetchWaitMs,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.status], fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, heartbeat }: EachBatchPayload) => {
        await Promise.all(batch.messages.map((message) => handle(message.value).catch(failed)));
        await heartbeat();
      },
    });
    await joined;
    stopConsumer = async () => {
      await consumer.disconnect().catch(() => undefined);
      transport.close();
      await pool.end().catch(() => undefined);
    };
  },

  stats: async () => ({ ...stats }),
};

export type BareNotifierCommands = typeof commands;

serveCommands(commands, () => stopConsumer());
const stop = (): void => {
  void stopConsumer().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
