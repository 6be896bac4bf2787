import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import {
  createEnvelope,
  isCanonicalState,
  isReasonCode,
  type EnvelopeOf,
  type NotificationDispatched_Channel,
} from '@tracking/events';
import { OutboxWriter } from '@tracking/kafka';
import { scrubText } from '@tracking/logging';
import type { MerchantSettings } from '../domain/merchant-settings';
import { notificationMetrics } from '../domain/metrics';
import { isMessageKind, type Channel } from '../domain/message-kinds';
import { DeliveryLogEntity, type LogOutcome, type NotificationEntity } from '../persistence/entities';
import { NotificationRepository } from '../persistence/notification.repository';

export const NOTIFICATION_SERVICE = 'notification';

const CHANNEL_ON_THE_WIRE: Record<Channel, NotificationDispatched_Channel> = {
  email: 'EMAIL',
  sms: 'SMS',
  webhook: 'MERCHANT_WEBHOOK',
};

export type LoggedNotification = Pick<
  NotificationEntity,
  'id' | 'orderId' | 'merchantId' | 'kind' | 'triggerState' | 'triggerReason'
>;

export interface LogEntry {
  notification: LoggedNotification;
  deliveryId: string | null;
  channel: Channel;
  outcome: LogOutcome;
  final: boolean;
  detail: string | null;
  recipient?: string | null;
  providerMessageId?: string | null;
  attempt?: number;
}

/** `a***@example.com`: enough to tell which address it went to, not enough to write to it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** `+4477*****123`. */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '***';
  return `${phone.slice(0, 5)}${'*'.repeat(phone.length - 8)}${phone.slice(-3)}`;
}

export function maskUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '***';
  }
}

/**
 * The delivery log: each entry is a row and a notification.dispatched event, written in the
 * caller's transaction so the log and the events never disagree. The event's `detail` starts
 * with the message kind: the schema has no field of its own for it yet (see README).
 */
@Injectable()
export class NotificationLedger {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async log(tx: TransactionContext, entries: readonly LogEntry[], now = new Date()): Promise<void> {
    if (entries.length === 0) return;
    // A send that was in flight when its buyer was erased is still recorded, as evidence, but not
    // where it went: the erasure has emptied the log's recipients and must not be undone here.
    const erased = await this.repository.erasedAmong(
      tx.manager,
      entries
        .filter((entry) => entry.recipient && entry.channel !== 'webhook')
        .map((entry) => entry.notification.orderId),
    );
    const rows = entries.map((entry) =>
      Object.assign(new DeliveryLogEntity(), {
        id: randomUUID(),
        notificationId: entry.notification.id,
        deliveryId: entry.deliveryId,
        orderId: entry.notification.orderId,
        merchantId: entry.notification.merchantId,
        kind: entry.notification.kind,
        channel: entry.channel,
        outcome: entry.outcome,
        final: entry.final,
        // Providers quote the address they refused ("550 <jane@example.com>: no such user").
        detail: entry.detail === null ? null : scrubText(entry.detail).slice(0, 1_000),
        recipient:
          erased.has(entry.notification.orderId) && entry.channel !== 'webhook'
            ? null
            : (entry.recipient ?? null),
        providerMessageId: entry.providerMessageId ?? null,
        attempt: entry.attempt ?? 0,
        recordedAt: now,
      } satisfies DeliveryLogEntity),
    );
    await this.repository.insertLog(tx.manager, rows);
    await this.outbox.append(
      tx,
      rows.map((row, index) => dispatchedEvent(row, entries[index]!.notification, now)),
    );
    tx.afterCommit(() => {
      const dispatched = notificationMetrics.dispatched();
      for (const row of rows) {
        dispatched.inc({
          channel: row.channel,
          kind: row.kind,
          outcome: row.outcome,
          final: String(row.final),
        });
      }
    });
  }

  /**
   * Entries for a notification that ends before any channel is tried (too old, superseded, the
   * order cancelled, the message turned off): one per channel the merchant set for the kind, so
   * the log says for each channel why nothing went out.
   */
  async logNotSent(
    tx: TransactionContext,
    notification: LoggedNotification,
    settings: MerchantSettings,
    detail: string,
  ): Promise<void> {
    const channels = isMessageKind(notification.kind) ? settings.messages[notification.kind].channels : [];
    await this.log(
      tx,
      channels.map((channel) => ({
        notification,
        deliveryId: null,
        channel,
        outcome: 'SKIPPED' as const,
        final: true,
        detail,
      })),
    );
  }
}

function dispatchedEvent(
  row: DeliveryLogEntity,
  notification: LoggedNotification,
  now: Date,
): EnvelopeOf<'notificationDispatched'> {
  return createEnvelope({
    eventId: row.id,
    orderId: row.orderId,
    merchantId: row.merchantId,
    occurredAt: now,
    recordedAt: now,
    source: { service: NOTIFICATION_SERVICE, upstream: row.channel },
    payload: {
      $case: 'notificationDispatched',
      value: {
        notificationId: row.notificationId,
        channel: CHANNEL_ON_THE_WIRE[row.channel as Channel],
        triggerState: isCanonicalState(notification.triggerState)
          ? notification.triggerState
          : 'TRACKING_STATE_UNSPECIFIED',
        triggerReason: isReasonCode(notification.triggerReason)
          ? notification.triggerReason
          : 'REASON_CODE_UNSPECIFIED',
        outcome: row.outcome,
        detail: row.detail ? `${row.kind}: ${row.detail}` : row.kind,
        providerMessageId: row.providerMessageId ?? '',
        attempt: row.attempt,
      },
    },
  });
}
