import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import type { EnvelopeOf } from '@tracking/events';
import { ERASED } from '../../domain/buyer-reach';
import { isMessageKind, type Channel } from '../../domain/message-kinds';
import { NotificationRepository } from '../../persistence/notification.repository';
import { NotificationLedger, type LogEntry } from '../notification-ledger';
import { dateOrNull } from '../record-order';

/**
 * The merchant asked for the order's buyer to be erased: nothing not yet sent goes out, and
 * nothing that identifies or reaches the buyer stays (contact details, tracking token, the log's
 * recipients; bodies are never kept). The log keeps what it counts: kinds, channels, outcomes and
 * times. Repeating it changes nothing, and the contact event it follows cannot bring the data back.
 */
@Injectable()
export class EraseBuyerUseCase {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly ledger: NotificationLedger,
  ) {}

  async execute(tx: TransactionContext, event: EnvelopeOf<'buyerErased'>, now = new Date()): Promise<void> {
    const orderIds = [event.orderId];
    // Deliveries first, then the contact: the dispatcher records a send's outcome on its delivery
    // before it reads whether the buyer is erased, and taking both in that order too means
    // neither waits on the other in a cycle.
    const withdrawn = await this.repository.withdrawAllPending(tx.manager, orderIds, ERASED, now);
    await this.repository.eraseBuyers(tx.manager, [
      {
        orderId: event.orderId,
        merchantId: event.merchantId,
        requestId: event.payload.value.requestId,
        at: dateOrNull(event.occurredAt) ?? now,
      },
    ]);
    const settings = await this.repository.settingsOfMany(
      tx.manager,
      withdrawn.notifications.map((notification) => notification.merchantId),
    );
    const notifications = await this.repository.notificationsOf(
      tx.manager,
      withdrawn.deliveries.map((delivery) => delivery.notificationId),
    );
    const withdrawal = (channel: Channel) => ({
      channel,
      outcome: 'SKIPPED' as const,
      final: true,
      detail: ERASED,
    });
    await this.ledger.log(
      tx,
      [
        // Not expanded yet: one entry per channel the merchant set for the kind, as when cancelled.
        ...withdrawn.notifications.flatMap((notification) =>
          (isMessageKind(notification.kind)
            ? settings.get(notification.merchantId)!.messages[notification.kind].channels
            : []
          ).map((channel): LogEntry => ({ notification, deliveryId: null, ...withdrawal(channel) })),
        ),
        ...withdrawn.deliveries.map((delivery): LogEntry => ({
          notification: notifications.get(delivery.notificationId)!,
          deliveryId: delivery.id,
          ...withdrawal(delivery.channel as Channel),
        })),
      ],
      now,
    );
  }
}
