import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import type { EnvelopeOf } from '@tracking/events';
import { NotificationRepository } from '../../persistence/notification.repository';
import { DispatchSignal } from '../dispatch-notifications/dispatch-signal';
import { dateOrNull } from '../record-order';

/**
 * The buyer's contact details came (on their own topic, before or after the order): keep what
 * reaching the buyer needs, no last name and no street address, and let the messages that were
 * waiting for them go.
 */
@Injectable()
export class RecordBuyerContactUseCase {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly signal: DispatchSignal,
  ) {}

  async execute(
    tx: TransactionContext,
    event: EnvelopeOf<'buyerContactRecorded'>,
    now = new Date(),
  ): Promise<void> {
    const { buyer, trackingToken } = event.payload.value;
    const consent = buyer?.smsConsent;
    const recordedAt = dateOrNull(event.occurredAt) ?? dateOrNull(event.recordedAt) ?? now;
    await this.repository.recordContactHalf(tx.manager, {
      orderId: event.orderId,
      merchantId: event.merchantId,
      trackingToken,
      firstName: buyer?.firstName ?? '',
      email: buyer?.email?.trim() || null,
      phone: buyer?.phone?.trim() || null,
      locale: buyer?.locale?.trim() || null,
      emailChosen: buyer?.notificationPreferences?.email ?? false,
      smsChosen: buyer?.notificationPreferences?.sms ?? false,
      smsConsentGranted: consent?.granted ?? false,
      smsConsentRecordedAt: consent?.granted ? (dateOrNull(consent.recordedAt) ?? recordedAt) : null,
      smsConsentSource: consent?.granted ? consent.source || null : null,
      contactRecordedAt: recordedAt,
    });
    if ((await this.repository.resumeAwaitingContact(tx.manager, [event.orderId], now)) > 0) {
      tx.afterCommit(() => this.signal.wake());
    }
  }
}
