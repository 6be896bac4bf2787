import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import type { EnvelopeOf } from '@tracking/events';
import { timeZoneOf } from '@tracking/time-zones';
import { NotificationConfig } from '../../config/notification.config';
import { decideOrderConfirmation } from '../../domain/decide-notifications';
import { BuyerContactEntity } from '../../persistence/entities';
import { NotificationRepository } from '../../persistence/notification.repository';
import { NotificationPlanner } from '../notification-planner';

function dateOrNull(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * An order arrived: keep what reaching its buyer needs (and nothing more of the buyer), and
 * decide the order confirmation.
 */
@Injectable()
export class RecordOrderUseCase {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly planner: NotificationPlanner,
    private readonly config: NotificationConfig,
  ) {}

  async received(
    tx: TransactionContext,
    event: EnvelopeOf<'orderReceived'>,
    now = new Date(),
  ): Promise<void> {
    const order = event.payload.value;
    const buyer = order.buyer;
    const receivedAt = dateOrNull(event.occurredAt) ?? dateOrNull(event.recordedAt) ?? now;
    const consent = buyer?.smsConsent;
    await this.repository.insertContactIfAbsent(
      tx.manager,
      Object.assign(new BuyerContactEntity(), {
        orderId: event.orderId,
        merchantId: event.merchantId,
        externalOrderId: order.externalOrderId,
        trackingToken: order.trackingToken,
        firstName: buyer?.firstName ?? '',
        email: buyer?.email?.trim() || null,
        phone: buyer?.phone?.trim() || null,
        locale: buyer?.locale?.trim() || null,
        // Quiet hours are read where the order ships to; null: in the merchant's zone, at send time.
        timeZone: timeZoneOf(order.shippingAddress ?? {}) ?? null,
        emailChosen: buyer?.notificationPreferences?.email ?? false,
        smsChosen: buyer?.notificationPreferences?.sms ?? false,
        smsConsentGranted: consent?.granted ?? false,
        smsConsentRecordedAt: consent?.granted ? (dateOrNull(consent.recordedAt) ?? receivedAt) : null,
        smsConsentSource: consent?.granted ? consent.source || null : null,
        receivedAt,
      } satisfies BuyerContactEntity),
    );
    const progress = await this.repository.lockProgress(tx.manager, event.orderId, event.merchantId);
    const decision = decideOrderConfirmation(receivedAt, progress, {
      now,
      maxEventAgeMs: this.config.NOTIFICATION_MAX_EVENT_AGE_MS,
      coalesceMs: this.config.NOTIFICATION_COALESCE_MS,
      feedbackDelayMs: this.config.FEEDBACK_REQUEST_DELAY_MS,
    });
    await this.repository.saveProgress(tx.manager, event.orderId, decision.progress);
    await this.planner.plan(tx, event, event.eventId, [decision.intent], now);
  }

  async cancelled(tx: TransactionContext, event: EnvelopeOf<'orderCancelled'>): Promise<void> {
    const progress = await this.repository.lockProgress(tx.manager, event.orderId, event.merchantId);
    if (progress.cancelled) return;
    await this.repository.saveProgress(tx.manager, event.orderId, { ...progress, cancelled: true });
    await this.planner.withdrawPending(tx, event, 'the order was cancelled');
  }
}
