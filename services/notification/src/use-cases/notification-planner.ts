import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import type { NotificationIntent } from '../domain/decide-notifications';
import type { MerchantSettings } from '../domain/merchant-settings';
import { notificationMetrics } from '../domain/metrics';
import { isMessageKind, MESSAGE_KIND_DEFINITIONS } from '../domain/message-kinds';
import { NotificationEntity } from '../persistence/entities';
import { NotificationRepository } from '../persistence/notification.repository';
import { DispatchSignal } from './dispatch-notifications/dispatch-signal';
import { NotificationLedger, type LogEntry } from './notification-ledger';

export interface OrderRef {
  orderId: string;
  merchantId: string;
}

function supersedable(kind: string): boolean {
  return isMessageKind(kind) && MESSAGE_KIND_DEFINITIONS[kind].supersedable;
}

/**
 * Turns decided intents into notification rows in the consumer's transaction. The row's unique
 * key makes every decision idempotent; a newer message replaces older ones that have not gone out
 * yet (the coalescing window), so a burst of statuses sends only the latest.
 */
@Injectable()
export class NotificationPlanner {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly ledger: NotificationLedger,
    private readonly signal: DispatchSignal,
  ) {}

  async plan(
    tx: TransactionContext,
    order: OrderRef,
    sourceEventId: string,
    intents: readonly NotificationIntent[],
    now = new Date(),
    /** The merchant's settings, when the caller has read them in this transaction already. */
    known?: MerchantSettings,
  ): Promise<void> {
    if (intents.length === 0) return;
    const settings = known ?? (await this.repository.settingsOf(tx.manager, order.merchantId));
    const decisions = notificationMetrics.decisions();
    const counted: Array<{ kind: string; outcome: string }> = [];
    let earliest: Date | undefined;
    for (const intent of intents) {
      const notification = Object.assign(new NotificationEntity(), {
        id: randomUUID(),
        orderId: order.orderId,
        merchantId: order.merchantId,
        kind: intent.kind,
        dedupeKey: intent.dedupeKey,
        triggerState: intent.triggerState,
        triggerReason: intent.triggerReason,
        rank: intent.rank,
        status: intent.skip ? 'SKIPPED' : 'PENDING',
        statusDetail: intent.skip,
        sourceEventId,
        occurredAt: intent.occurredAt,
        sendAfter: intent.sendAfter,
        createdAt: now,
      } satisfies NotificationEntity);
      if (!(await this.repository.insertNotification(tx.manager, notification))) {
        counted.push({ kind: intent.kind, outcome: 'duplicate' });
        continue;
      }
      if (intent.skip) {
        await this.ledger.logNotSent(tx, notification, settings, intent.skip);
        counted.push({ kind: intent.kind, outcome: 'skipped' });
        continue;
      }
      counted.push({ kind: intent.kind, outcome: 'created' });
      if (!earliest || intent.sendAfter < earliest) earliest = intent.sendAfter;
      if (supersedable(intent.kind)) {
        const replaced = await this.supersedePending(tx, notification, settings);
        for (const old of replaced) counted.push({ kind: old.kind, outcome: 'superseded' });
      }
    }
    tx.afterCommit(() => {
      for (const { kind, outcome } of counted) decisions.inc({ kind, outcome });
      if (earliest) this.signal.wakeAt(earliest);
    });
  }

  /** Older messages of the order still inside their coalescing window that `newer` makes stale. */
  private async supersedePending(
    tx: TransactionContext,
    newer: NotificationEntity,
    settings: MerchantSettings,
  ): Promise<NotificationEntity[]> {
    const pending = await this.repository.pendingNotificationsOf(tx.manager, newer.orderId);
    const replaced = pending.filter(
      (old) => old.id !== newer.id && old.rank <= newer.rank && supersedable(old.kind),
    );
    const detail = `superseded by the newer ${newer.kind} message`;
    await this.repository.setNotificationStatus(
      tx.manager,
      replaced.map((old) => old.id),
      'SUPERSEDED',
      detail,
    );
    for (const old of replaced) await this.ledger.logNotSent(tx, old, settings, detail);
    return replaced;
  }

  /** A cancelled order is told nothing more: every message not yet sent is withdrawn. */
  async withdrawPending(tx: TransactionContext, order: OrderRef, detail: string): Promise<void> {
    const settings = await this.repository.settingsOf(tx.manager, order.merchantId);
    const pending = await this.repository.pendingNotificationsOf(tx.manager, order.orderId);
    await this.repository.setNotificationStatus(
      tx.manager,
      pending.map((notification) => notification.id),
      'SUPERSEDED',
      detail,
    );
    for (const notification of pending) await this.ledger.logNotSent(tx, notification, settings, detail);
    // As if a message outranking every other came in: everything still waiting is stale.
    const waiting = (
      await this.repository.supersedableDeliveries(
        tx.manager,
        [],
        [{ id: randomUUID(), orderId: order.orderId, rank: 1_000 }],
      )
    ).map(({ delivery }) => delivery);
    const notifications = await this.repository.notificationsOf(
      tx.manager,
      waiting.map((delivery) => delivery.notificationId),
    );
    const entries: LogEntry[] = [];
    for (const delivery of waiting) {
      await this.repository.updateDelivery(tx.manager, delivery.id, {
        status: 'SUPERSEDED',
        lastError: detail,
      });
      entries.push({
        notification: notifications.get(delivery.notificationId)!,
        deliveryId: delivery.id,
        channel: delivery.channel as LogEntry['channel'],
        outcome: 'SKIPPED',
        final: true,
        detail,
      });
    }
    await this.ledger.log(tx, entries);
  }
}
