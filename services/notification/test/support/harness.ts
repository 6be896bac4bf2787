import type { INestApplication } from '@nestjs/common';
import {
  decodeEnvelope,
  encodeEnvelope,
  envelopeHeaders,
  topicForEventType,
  TOPICS,
  type EventEnvelope,
} from '@tracking/events';
import {
  createTestEnvironment,
  eventually,
  type MessageCollector,
  type ReceivedMessage,
  type TestEnvironment,
} from '@tracking/testing';
import { createNotificationApp } from '../../src/bootstrap';
import { NotificationConfig } from '../../src/config/notification.config';
import { HttpSink, smsProviderSink, webhookSink } from './http-sink';
import { SmtpSink } from './smtp-sink';

export const SMS_ACCOUNT = 'AC00000000000000000000000000000001';
export const SMS_TOKEN = 'sms-auth-token-for-tests';
export const SMS_FROM = '+15005550006';
export const TRACKING_BASE = 'https://track.example/t';

export interface DeliveryBody {
  deliveryId: string;
  channel: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  heldForQuietHours: boolean;
  providerMessageId: string | null;
  lastError: string | null;
}

export interface NotificationBody {
  notificationId: string;
  kind: string;
  triggerState: string;
  triggerReason: string | null;
  status: string;
  statusDetail: string | null;
  deliveries: DeliveryBody[];
}

export interface LogEntryBody {
  entryId: string;
  notificationId: string;
  kind: string;
  channel: string;
  outcome: 'SENT' | 'FAILED' | 'SKIPPED';
  final: boolean;
  detail: string | null;
  recipient: string | null;
  providerMessageId: string | null;
  attempt: number;
  at: string;
}

export interface NotificationsBody {
  orderId: string;
  notifications: NotificationBody[];
  log: LogEntryBody[];
}

export interface SettingsBody {
  senderName: string | null;
  replyTo: string | null;
  defaultLocale: string;
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  messages: Record<string, { enabled: boolean; channels: string[] }>;
  webhook: { url: string | null; secret: string | null };
  templates: Record<string, unknown>;
}

/**
 * The service on a database of its own and the run's broker, with a real SMTP server, an SMS
 * provider and a merchant webhook endpoint on loopback. Timings are shortened so coalescing,
 * retries and the feedback delay happen within a test.
 */
export class Harness {
  readonly smtp = new SmtpSink();
  readonly sms: HttpSink = smsProviderSink();
  readonly webhooks: HttpSink = webhookSink();
  webhookBaseUrl = '';
  env!: TestEnvironment<NotificationConfig>;
  dispatched!: MessageCollector;
  deadLetters!: MessageCollector;
  private app!: INestApplication;

  async start(env: Record<string, string> = {}): Promise<void> {
    const [smtpUrl, smsUrl, webhookUrl] = await Promise.all([
      this.smtp.start(),
      this.sms.start(),
      this.webhooks.start(),
    ]);
    this.webhookBaseUrl = webhookUrl;
    this.env = await createTestEnvironment({
      configClass: NotificationConfig,
      createApp: createNotificationApp,
      env: {
        PUBLIC_TRACKING_BASE_URL: TRACKING_BASE,
        SMTP_URL: smtpUrl,
        EMAIL_FROM: 'updates@notify.example',
        SMS_PROVIDER_BASE_URL: smsUrl,
        SMS_ACCOUNT_SID: SMS_ACCOUNT,
        SMS_AUTH_TOKEN: SMS_TOKEN,
        SMS_FROM,
        NOTIFICATION_COALESCE_MS: '600',
        NOTIFICATION_DISPATCH_INTERVAL_MS: '100',
        NOTIFICATION_RETRY_INITIAL_DELAY_MS: '150',
        NOTIFICATION_RETRY_MAX_DELAY_MS: '400',
        NOTIFICATION_MAX_ATTEMPTS: '3',
        NOTIFICATION_SEND_TIMEOUT_MS: '3000',
        FEEDBACK_REQUEST_DELAY_MS: '2000',
        // The merchant endpoints here listen on loopback, which production refuses.
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        ...env,
      },
    });
    this.app = this.env.app;
    [this.dispatched, this.deadLetters] = await Promise.all([
      this.env.kafka.collect(TOPICS.notifications),
      this.env.kafka.collect('tracking.dead-letter.notification.v1'),
    ]);
  }

  /** Stops the service as a deploy would and starts a new process on the same database and group. */
  async restart(between: () => Promise<void> = async () => undefined): Promise<void> {
    await this.stopApp();
    await between();
    await this.startApp();
  }

  /** Stops the service as a deploy would (SIGTERM): resolves when the process could exit. */
  async stopApp(): Promise<void> {
    await this.app.close();
  }

  /** Starts a new process on the same database, group and port, with `overrides` to its settings. */
  async startApp(overrides: Partial<NotificationConfig> = {}): Promise<void> {
    const port = Number(new URL(this.env.baseUrl).port);
    const config = Object.assign(
      Object.create(Object.getPrototypeOf(this.env.config) as object) as NotificationConfig,
      this.env.config,
      overrides,
    );
    this.app = await createNotificationApp(config);
    await this.app.listen(port, '127.0.0.1');
  }

  async close(): Promise<void> {
    // The environment's own close would close the first app, not a restarted one.
    await this.env?.kafka.close();
    await this.app?.close();
    await this.env?.database.drop();
    await Promise.all([this.smtp.stop(), this.sms.stop(), this.webhooks.stop()]);
  }

  async merchantToken(merchantId: string): Promise<string> {
    return this.env.tokenFor('merchant', merchantId);
  }

  /** Saves a merchant's settings: no quiet hours unless given, so tests do not depend on the hour. */
  async configureMerchant(merchantId: string, settings: Record<string, unknown> = {}): Promise<SettingsBody> {
    const response = await this.env.request<SettingsBody>('PUT', '/v1/settings', {
      token: await this.merchantToken(merchantId),
      body: { quietHours: null, senderName: 'Acme Prints', ...settings },
    });
    if (response.status !== 200)
      throw new Error(`PUT /v1/settings: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async publish(...events: EventEnvelope[]): Promise<void> {
    for (const event of events) {
      const topic = topicForEventType(event.type);
      await this.env.kafka.publish(topic, [
        { key: event.orderId, value: encodeEnvelope(event), headers: envelopeHeaders(event) },
      ]);
    }
  }

  async notifications(orderId: string, merchantId: string): Promise<NotificationsBody> {
    const response = await this.env.request<NotificationsBody>(
      'GET',
      `/v1/notifications?orderId=${orderId}`,
      {
        token: await this.merchantToken(merchantId),
      },
    );
    if (response.status !== 200)
      throw new Error(`GET /v1/notifications: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** Waits until the order's log has an entry matching `predicate`, and returns the log. */
  async logUntil(
    orderId: string,
    merchantId: string,
    predicate: (entries: LogEntryBody[]) => boolean,
    what = 'log entry',
  ): Promise<NotificationsBody> {
    return eventually(
      async () => {
        const body = await this.notifications(orderId, merchantId).catch(() => undefined);
        return body && predicate(body.log) ? body : undefined;
      },
      { what, timeoutMs: 30_000 },
    );
  }

  /** The order's notification.dispatched events so far. */
  dispatchedFor(orderId: string): EventEnvelope[] {
    return this.dispatched.messages
      .filter((message: ReceivedMessage) => message.key === orderId)
      .map((message) => decodeEnvelope(message.value));
  }
}

export function sentEntries(log: LogEntryBody[], channel?: string): LogEntryBody[] {
  return log.filter((entry) => entry.outcome === 'SENT' && (!channel || entry.channel === channel));
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
