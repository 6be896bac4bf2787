import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import type { EnvelopeOf } from '@tracking/events';
import { NotificationConfig } from '../../config/notification.config';
import { decideStatusNotifications, observedStatusOf } from '../../domain/decide-notifications';
import { notificationMetrics } from '../../domain/metrics';
import { NotificationRepository } from '../../persistence/notification.repository';
import { NotificationPlanner } from '../notification-planner';

/** A status change: decide which messages it calls for, in the consumer's transaction. */
@Injectable()
export class ReactToStatusChangeUseCase {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly planner: NotificationPlanner,
    private readonly config: NotificationConfig,
  ) {}

  async execute(
    tx: TransactionContext,
    event: EnvelopeOf<'trackingStatusChanged'>,
    now = new Date(),
  ): Promise<void> {
    const change = event.payload.value;
    const fallback = new Date(event.occurredAt ?? event.recordedAt ?? now.toISOString());
    const status = observedStatusOf(change.order, change, fallback);
    if (!status) return;
    const previous = await this.repository.lockProgress(tx.manager, event.orderId, event.merchantId);
    const settings = await this.repository.settingsOf(tx.manager, event.merchantId);
    const decision = decideStatusNotifications(status, previous, {
      now,
      maxEventAgeMs: this.config.NOTIFICATION_MAX_EVENT_AGE_MS,
      coalesceMs: this.config.NOTIFICATION_COALESCE_MS,
      feedbackDelayMs:
        settings.feedbackRequestDelayMinutes === null
          ? this.config.FEEDBACK_REQUEST_DELAY_MS
          : settings.feedbackRequestDelayMinutes * 60_000,
    });
    if (decision.ignored !== undefined) {
      tx.afterCommit(() => notificationMetrics.decisions().inc({ kind: 'none', outcome: 'ignored' }));
      return;
    }
    await this.repository.saveProgress(tx.manager, event.orderId, decision.progress);
    if (decision.cancelsPending && !previous.cancelled) {
      await this.planner.withdrawPending(tx, event, 'the order was cancelled');
    }
    await this.planner.plan(tx, event, event.eventId, decision.intents, now, settings);
  }
}
