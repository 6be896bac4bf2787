import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import type { EnvelopeOf } from '@tracking/events';
import { timeZoneOf } from '@tracking/time-zones';
import { NotificationConfig } from '../../config/notification.config';
import { decideOrderConfirmation } from '../../domain/decide-notifications';
import { NotificationRepository } from '../../persistence/notification.repository';
import { DispatchSignal } from '../dispatch-notifications/dispatch-signal';
import { NotificationPlanner } from '../notification-planner';

export function dateOrNull(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * An order arrived: keep its half of the buyer's record (order number, locale, the time zone of
 * where it ships; the contact details come on their own topic) and decide the order confirmation.
 */
@Injectable()
export class RecordOrderUseCase {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly planner: NotificationPlanner,
    private readonly config: NotificationConfig,
    private readonly signal: DispatchSignal,
  ) {}

  async received(
    tx: TransactionContext,
    event: EnvelopeOf<'orderReceived'>,
    now = new Date(),
  ): Promise<void> {
    const order = event.payload.value;
    const receivedAt = dateOrNull(event.occurredAt) ?? dateOrNull(event.recordedAt) ?? now;
    await this.repository.recordOrderHalf(tx.manager, {
      orderId: event.orderId,
      merchantId: event.merchantId,
      externalOrderId: order.externalOrderId,
      locale: order.buyerLocale?.trim() || null,
      // Quiet hours are read where the order ships to; null: in the merchant's zone, at send time.
      timeZone: timeZoneOf(order.destination ?? {}) ?? null,
      receivedAt,
    });
    const progress = await this.repository.lockProgress(tx.manager, event.orderId, event.merchantId);
    const decision = decideOrderConfirmation(receivedAt, progress, {
      now,
      maxEventAgeMs: this.config.NOTIFICATION_MAX_EVENT_AGE_MS,
      coalesceMs: this.config.NOTIFICATION_COALESCE_MS,
      feedbackDelayMs: this.config.FEEDBACK_REQUEST_DELAY_MS,
    });
    await this.repository.saveProgress(tx.manager, event.orderId, decision.progress);
    await this.planner.plan(tx, event, event.eventId, [decision.intent], now);
    // Messages decided before the order came (its status was quicker) may now have all they need.
    if ((await this.repository.resumeAwaitingContact(tx.manager, [event.orderId], now)) > 0) {
      tx.afterCommit(() => this.signal.wake());
    }
  }

  async cancelled(tx: TransactionContext, event: EnvelopeOf<'orderCancelled'>): Promise<void> {
    const progress = await this.repository.lockProgress(tx.manager, event.orderId, event.merchantId);
    if (progress.cancelled) return;
    await this.repository.saveProgress(tx.manager, event.orderId, { ...progress, cancelled: true });
    await this.planner.withdrawPending(tx, event, 'the order was cancelled');
  }
}
