import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork, type TransactionContext } from '@tracking/db';
import { backoffDelay, sleep } from '@tracking/errors';
import { OutboxWriter } from '@tracking/kafka';
import { scrubText } from '@tracking/logging';
import { DeliveryFailure, type SendReceipt } from '../../channels/channel';
import { ChannelRegistry } from '../../channels/registry';
import { NotificationConfig } from '../../config/notification.config';
import { buyerReach, buyerRecordSettled } from '../../domain/buyer-reach';
import type { MerchantSettings } from '../../domain/merchant-settings';
import { notificationMetrics } from '../../domain/metrics';
import {
  MERCHANT_ONLY_EXCEPTIONS,
  MESSAGE_KIND_DEFINITIONS,
  type Channel,
  type MessageKind,
} from '../../domain/message-kinds';
import { nextSendableInstant } from '../../domain/quiet-hours';
import { DeliveryEntity, type BuyerContactEntity, type NotificationEntity } from '../../persistence/entities';
import { NotificationRepository } from '../../persistence/notification.repository';
import { NotificationLedger, type LogEntry } from '../notification-ledger';
import { composeMessage, type Composition } from './compose-message';

interface SendJob {
  delivery: DeliveryEntity;
  notification: NotificationEntity;
  composition: Composition;
}

type SendResult = { receipt: SendReceipt } | { failure: DeliveryFailure };

/** What expanding a batch of notifications writes, gathered so that it is written at once. */
interface Expansion {
  deliveries: DeliveryEntity[];
  logged: LogEntry[];
  expanded: string[];
  /** Notifications, in batch order, whose buyer messages replace older ones still held. */
  superseding: NotificationEntity[];
  /** Notifications that wait for their buyer's contact details. */
  awaiting: string[];
}

interface UnrecordedOutcome {
  job: SendJob;
  result: SendResult;
  recorded: () => void;
}

// Where a dead letter of this service says it came from: not a topic, the dispatcher itself.
export const DISPATCH_ORIGIN = 'notification:dispatch';

/** What a dispatcher round listens to: when to stop claiming, and when to stop waiting for sends. */
export interface DispatchSignals {
  stopping: AbortSignal;
  cutOff: AbortSignal;
}

const CUT_OFF = Symbol('cut off');

/** `work`, or CUT_OFF as soon as `signal` fires; the listener goes with it (signals live long). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof CUT_OFF> {
  if (signal.aborted) return Promise.resolve(CUT_OFF);
  let onAbort!: () => void;
  const aborted = new Promise<typeof CUT_OFF>((resolve) => {
    onAbort = () => resolve(CUT_OFF);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The dispatcher's work. A round (1) expands notifications whose coalescing window has passed
 * into one delivery per channel, deciding reachability, consent and quiet hours and dropping
 * older buyer messages still held; (2) leases due deliveries in a short transaction, sends them
 * with no transaction open (a slow SMTP server must not hold a database connection), and records
 * each outcome with its delivery-log event in another. Transient failures retry with exponential
 * backoff and jitter; permanent ones are recorded and left; after the last attempt the delivery
 * is dead-lettered. A process that dies mid-send leaves a lease that runs out, and the delivery is
 * tried again (at least once; SMTP cannot do better), with the same Message-ID / webhook-id.
 */
@Injectable()
export class DispatchNotificationsUseCase {
  private readonly log = new Logger('NotificationDispatcher');
  private readonly unrecorded: UnrecordedOutcome[] = [];
  private recording?: Promise<void>;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: NotificationRepository,
    private readonly ledger: NotificationLedger,
    private readonly channels: ChannelRegistry,
    private readonly outbox: OutboxWriter,
    private readonly config: NotificationConfig,
  ) {}

  /**
   * One round: expand what is due, claim a batch, start its sends, and while the last of them are
   * still in flight expand and claim the next, so the senders never wait on the database. The
   * round ends when a claim comes back short, or at `stopping`: claimed sends not yet started are
   * then given back, and those in flight finish and are recorded, unless `cutOff` comes first.
   * Sends cut off are given back too, unrecorded: another replica takes them at once.
   */
  async runRound({ stopping, cutOff }: DispatchSignals): Promise<{ expanded: number; attempted: number }> {
    const batch = this.config.NOTIFICATION_DISPATCH_BATCH_SIZE;
    const sending = new Set<Promise<void>>();
    // A sender's slot frees when its send ends; its outcome is recorded meanwhile, with others.
    const recording: Array<Promise<void>> = [];
    const givenBack: string[] = [];
    let expanded = 0;
    let attempted = 0;
    try {
      while (!stopping.aborted) {
        for (;;) {
          const count = await this.unitOfWork.run((tx) => this.expandDue(tx, new Date()));
          expanded += count;
          if (count < batch || stopping.aborted) break;
        }
        if (stopping.aborted) break;
        const jobs = await this.unitOfWork.run((tx) => this.claimDue(tx, new Date()));
        for (const job of jobs) {
          while (sending.size >= this.config.NOTIFICATION_DISPATCH_CONCURRENCY && !stopping.aborted)
            await unlessAborted(Promise.race(sending), stopping);
          if (stopping.aborted) {
            givenBack.push(job.delivery.id);
            continue;
          }
          const send: Promise<void> = this.send(job, cutOff)
            .then((result) => {
              if (result !== CUT_OFF) return void recording.push(this.recordSoon(job, result));
              givenBack.push(job.delivery.id);
              attempted -= 1;
            })
            .finally(() => sending.delete(send));
          sending.add(send);
          attempted += 1;
        }
        if (jobs.length < batch) break;
      }
    } finally {
      await Promise.all(sending);
      await Promise.all(recording);
      await this.giveBack(givenBack);
    }
    return { expanded, attempted };
  }

  private async giveBack(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.unitOfWork.run((tx) => this.repository.releaseClaims(tx.manager, deliveryIds));
    this.log.warn(`stopping: gave back ${deliveryIds.length} claimed deliveries unsent, for another replica`);
  }

  // ---- 1. notifications into deliveries -----------------------------------------------------

  /**
   * Expands a batch of due notifications with a fixed number of statements, however large the
   * batch: the deliveries of all of them in one insert, their log entries in one, their status in
   * one, and the held messages they make stale found by one query.
   */
  private async expandDue(tx: TransactionContext, now: Date): Promise<number> {
    const due = await this.repository.claimDueNotifications(
      tx.manager,
      now,
      this.config.NOTIFICATION_DISPATCH_BATCH_SIZE,
    );
    if (due.length === 0) return 0;
    const { contacts, settings, optOuts } = await this.audienceOf(tx, due);
    const expansion: Expansion = { deliveries: [], logged: [], expanded: [], superseding: [], awaiting: [] };
    for (const notification of due) {
      const contact = contacts.get(notification.orderId);
      await this.expand(
        tx,
        notification,
        contact,
        settings.get(notification.merchantId)!,
        optOuts,
        now,
        expansion,
      );
    }
    await this.repository.insertDeliveries(tx.manager, expansion.deliveries);
    await this.repository.awaitContact(tx.manager, expansion.awaiting, now);
    await this.repository.setNotificationStatus(tx.manager, expansion.expanded, 'EXPANDED', null);
    expansion.logged.push(...(await this.supersedeHeld(tx, due, expansion.superseding, now)));
    await this.ledger.log(tx, expansion.logged, now);
    return due.length;
  }

  /** Decides one notification's deliveries into `expansion`; the caller writes them all at once. */
  private async expand(
    tx: TransactionContext,
    notification: NotificationEntity,
    contact: BuyerContactEntity | undefined,
    settings: MerchantSettings,
    optOuts: ReadonlyMap<string, Date>,
    now: Date,
    expansion: Expansion,
  ): Promise<void> {
    const kind = notification.kind as MessageKind;
    const setting = settings.messages[kind];
    if (!setting.enabled) {
      const detail = `${kind} messages are turned off in the merchant settings`;
      await this.repository.setNotificationStatus(tx.manager, [notification.id], 'SKIPPED', detail);
      await this.ledger.logNotSent(tx, notification, settings, detail);
      return;
    }
    const forBuyer = !MERCHANT_ONLY_EXCEPTIONS.has(notification.triggerState as never);
    const buyerChannels = setting.channels.filter((channel) => channel !== 'webhook');
    if (!buyerRecordSettled(contact) && forBuyer && buyerChannels.length > 0) {
      // The order and its buyer's contact details travel on other topics than the status and
      // may still be on their way: the message waits for them, however long, rather than going
      // out to nobody. Recording them brings it forward.
      expansion.awaiting.push(notification.id);
      return;
    }

    const zone = contact?.timeZone ?? settings.timeZone;
    const buyerDue = MESSAGE_KIND_DEFINITIONS[kind].quietHoursExempt
      ? now
      : nextSendableInstant(now, zone, settings.quietHours);
    let buyerMessagePending = false;
    const delivery = (
      channel: Channel,
      status: DeliveryEntity['status'],
      at: Date,
      detail: string | null,
    ) => {
      const entity = Object.assign(new DeliveryEntity(), {
        id: randomUUID(),
        notificationId: notification.id,
        orderId: notification.orderId,
        merchantId: notification.merchantId,
        channel,
        status,
        attempts: 0,
        nextAttemptAt: at,
        heldForQuietHours: status === 'PENDING' && at > now,
        providerMessageId: null,
        lastError: detail,
        completedAt: status === 'PENDING' ? null : now,
        createdAt: now,
      } satisfies DeliveryEntity);
      expansion.deliveries.push(entity);
      if (status === 'PENDING' && channel !== 'webhook') buyerMessagePending = true;
      if (status === 'SKIPPED') {
        expansion.logged.push({
          notification,
          deliveryId: entity.id,
          channel,
          outcome: 'SKIPPED',
          final: true,
          detail,
        });
      }
    };
    for (const channel of setting.channels) {
      if (channel === 'webhook') {
        if (settings.webhook.url && settings.webhook.secret) delivery(channel, 'PENDING', now, null);
        else delivery(channel, 'SKIPPED', now, 'no webhook URL in the merchant settings');
        continue;
      }
      // Tracking-number and carrier-silence problems are the merchant's to solve, not the buyer's.
      if (!forBuyer) continue;
      const reach = buyerReach(channel, contact, contact?.phone ? optOuts.get(contact.phone) : undefined);
      if (reach.reachable) delivery(channel, 'PENDING', buyerDue, null);
      else delivery(channel, 'SKIPPED', now, reach.detail);
    }
    expansion.expanded.push(notification.id);
    if (buyerMessagePending && MESSAGE_KIND_DEFINITIONS[kind].supersedable) {
      expansion.superseding.push(notification);
    }
  }

  /**
   * Buyer messages held (for quiet hours) that a newer one makes stale are not sent at all. As if
   * the batch were expanded one notification at a time: each supersedes what was there before it,
   * the batch's earlier notifications included, and a stale message is superseded by the first
   * newer one.
   */
  private async supersedeHeld(
    tx: TransactionContext,
    batch: readonly NotificationEntity[],
    superseding: readonly NotificationEntity[],
    now: Date,
  ): Promise<LogEntry[]> {
    if (superseding.length === 0) return [];
    const held = await this.repository.supersedableDeliveries(tx.manager, batch, superseding);
    if (held.length === 0) return [];
    const notifications = await this.repository.notificationsOf(
      tx.manager,
      held.map(({ delivery }) => delivery.notificationId),
    );
    const entries: LogEntry[] = [];
    for (const { delivery, supersededBy } of held) {
      const detail = `superseded by the newer ${supersededBy.kind} message`;
      await this.repository.updateDelivery(tx.manager, delivery.id, {
        status: 'SUPERSEDED',
        lastError: detail,
        completedAt: now,
      });
      entries.push({
        notification: notifications.get(delivery.notificationId)!,
        deliveryId: delivery.id,
        channel: delivery.channel as Channel,
        outcome: 'SKIPPED',
        final: true,
        detail,
      });
    }
    return entries;
  }

  /**
   * What deciding whom a message may reach needs, for orders of one batch: the buyers' contacts,
   * their merchants' settings and which of the buyers' phones replied STOP.
   */
  private async audienceOf(
    tx: TransactionContext,
    items: ReadonlyArray<{ orderId: string; merchantId: string }>,
  ): Promise<{
    contacts: Map<string, BuyerContactEntity>;
    settings: Map<string, MerchantSettings>;
    optOuts: Map<string, Date>;
  }> {
    const contacts = await this.repository.contactsOf(
      tx.manager,
      items.map((item) => item.orderId),
    );
    const settings = await this.repository.settingsOfMany(
      tx.manager,
      items.map((item) => item.merchantId),
    );
    const optOuts = await this.repository.optOutsOf(
      tx.manager,
      [...contacts.values()].flatMap((contact) => (contact.phone ? [contact.phone] : [])),
    );
    return { contacts, settings, optOuts };
  }

  // ---- 2. deliveries out ----------------------------------------------------------------------

  private async claimDue(tx: TransactionContext, now: Date): Promise<SendJob[]> {
    const leaseMs = this.config.NOTIFICATION_SEND_TIMEOUT_MS * 2 + 5_000;
    const deliveries = await this.repository.claimDueDeliveries(
      tx.manager,
      this.config.NOTIFICATION_DISPATCH_BATCH_SIZE,
      leaseMs,
    );
    if (deliveries.length === 0) return [];
    const notifications = await this.repository.notificationsOf(
      tx.manager,
      deliveries.map((d) => d.notificationId),
    );
    const progress = await this.repository.progressOfMany(
      tx.manager,
      deliveries.map((delivery) => delivery.orderId),
    );
    const { contacts, settings, optOuts } = await this.audienceOf(tx, deliveries);

    const jobs: SendJob[] = [];
    const ended: LogEntry[] = [];
    for (const delivery of deliveries) {
      const notification = notifications.get(delivery.notificationId)!;
      const contact = contacts.get(delivery.orderId);
      const channel = delivery.channel as Channel;
      const adapter = this.channels.get(channel);
      if (!adapter.configured) {
        ended.push(
          ...(await this.finish(
            tx,
            delivery,
            notification,
            'SKIPPED',
            `${channel} channel not configured: ${adapter.configurationHint}`,
            now,
          )),
        );
        continue;
      }
      if (delivery.attempts > this.config.NOTIFICATION_MAX_ATTEMPTS) {
        // Claimed again and again without an outcome: each attempt ended the process. Poison.
        ended.push(
          ...(await this.deadLetter(
            tx,
            delivery,
            notification,
            'every attempt ended without an outcome',
            now,
          )),
        );
        continue;
      }
      if (channel !== 'webhook') {
        // Consent is checked again at the last moment: a STOP may have come in since.
        const reach = buyerReach(channel, contact, contact?.phone ? optOuts.get(contact.phone) : undefined);
        if (!reach.reachable) {
          ended.push(...(await this.finish(tx, delivery, notification, 'SKIPPED', reach.detail, now)));
          continue;
        }
      }
      const composition = composeMessage({
        delivery,
        notification,
        contact,
        settings: settings.get(delivery.merchantId)!,
        progress: progress.get(delivery.orderId),
        trackingBaseUrl: this.config.PUBLIC_TRACKING_BASE_URL,
        now,
      });
      if ('unavailable' in composition) {
        ended.push(
          ...(await this.finish(tx, delivery, notification, 'SKIPPED', composition.unavailable, now)),
        );
        continue;
      }
      jobs.push({ delivery, notification, composition });
    }
    await this.ledger.log(tx, ended, now);
    return jobs;
  }

  /**
   * Each send is bounded by NOTIFICATION_SEND_TIMEOUT_MS, and by `cutOff` at a shutdown: then its
   * outcome is unknown and it is not waited for, even if the adapter ignores the signal.
   */
  private async send(job: SendJob, cutOff: AbortSignal): Promise<SendResult | typeof CUT_OFF> {
    const { channel } = job.composition.message;
    const started = process.hrtime.bigint();
    let result: SendResult;
    try {
      const adapter = this.channels.get(channel);
      // Not AbortSignal.any over `cutOff` itself: it lives as long as the process, and each send
      // would leave it one more dependant.
      const abandoned = new AbortController();
      const signal = AbortSignal.any([
        AbortSignal.timeout(this.config.NOTIFICATION_SEND_TIMEOUT_MS),
        abandoned.signal,
      ]);
      const sent = adapter.send(job.composition.message.message as never, signal);
      const receipt = await unlessAborted(sent, cutOff);
      if (receipt === CUT_OFF) {
        abandoned.abort();
        return CUT_OFF;
      }
      result = { receipt };
    } catch (error) {
      if (cutOff.aborted) return CUT_OFF;
      result = {
        failure:
          error instanceof DeliveryFailure
            ? error
            : new DeliveryFailure(`${channel} send failed: ${describe(error)}`, {
                permanent: false,
                cause: error,
              }),
      };
    }
    notificationMetrics.sendDuration().observe(
      {
        channel,
        result: 'receipt' in result ? 'sent' : result.failure.permanent ? 'permanent' : 'transient',
      },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    return result;
  }

  /**
   * Outcomes finished while a recording transaction was under way wait for the next one, which
   * takes all of them: at peak one commit and one log insert serve many sends, and at a trickle
   * each outcome is recorded at once.
   */
  private recordSoon(job: SendJob, result: SendResult): Promise<void> {
    return new Promise((recorded) => {
      this.unrecorded.push({ job, result, recorded });
      this.recording ??= this.recordUnrecorded().finally(() => (this.recording = undefined));
    });
  }

  private async recordUnrecorded(): Promise<void> {
    while (this.unrecorded.length > 0) {
      const outcomes = this.unrecorded.splice(0);
      try {
        await this.unitOfWork.run((tx) => this.recordOutcomes(tx, outcomes, new Date()));
      } catch (error) {
        this.log.warn(
          `recording ${outcomes.length} outcomes together failed, recording them one by one: ${describe(error)}`,
        );
        await Promise.all(outcomes.map((outcome) => this.recordAlone(outcome)));
      }
      for (const outcome of outcomes) outcome.recorded();
    }
  }

  /** The send happened: recording it must not be given up lightly, or a lapsed lease sends it again. */
  private async recordAlone(outcome: UnrecordedOutcome): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.unitOfWork.run((tx) => this.recordOutcomes(tx, [outcome], new Date()));
        return;
      } catch (error) {
        if (attempt >= 5) {
          this.log.error(
            `could not record the outcome of delivery ${outcome.job.delivery.id} ` +
              `(${outcome.job.delivery.channel}); it may be sent again: ${describe(error)}`,
          );
          return;
        }
        await sleep(backoffDelay(attempt, { initialDelayMs: 200, maxDelayMs: 5_000 }));
      }
    }
  }

  private async recordOutcomes(
    tx: TransactionContext,
    outcomes: readonly UnrecordedOutcome[],
    now: Date,
  ): Promise<void> {
    const entries: LogEntry[] = [];
    for (const { job, result } of outcomes) entries.push(...(await this.recordOutcome(tx, job, result, now)));
    await this.ledger.log(tx, entries, now);
  }

  private async recordOutcome(
    tx: TransactionContext,
    job: SendJob,
    result: SendResult,
    now: Date,
  ): Promise<LogEntry[]> {
    const { delivery, notification, composition } = job;
    const channel = delivery.channel as Channel;
    const entry = {
      notification,
      deliveryId: delivery.id,
      channel,
      recipient: composition.recipient,
      attempt: delivery.attempts,
    };
    if ('receipt' in result) {
      await this.repository.updateDelivery(tx.manager, delivery.id, {
        status: 'SENT',
        providerMessageId: result.receipt.providerMessageId,
        lastError: null,
        completedAt: now,
      });
      tx.afterCommit(() =>
        notificationMetrics
          .statusToSent()
          .observe({ channel }, Math.max(0, (now.getTime() - notification.occurredAt.getTime()) / 1_000)),
      );
      return [
        {
          ...entry,
          outcome: 'SENT',
          final: true,
          detail: null,
          providerMessageId: result.receipt.providerMessageId,
        },
      ];
    }
    // Providers quote the address they refused: it goes nowhere, not even into last_error.
    const reason = scrubText(result.failure.message);
    if (result.failure.permanent) {
      await this.repository.updateDelivery(tx.manager, delivery.id, {
        status: 'FAILED',
        lastError: reason,
        completedAt: now,
      });
      return [
        { ...entry, outcome: 'FAILED', final: true, detail: `permanent failure, not retried: ${reason}` },
      ];
    }
    if (delivery.attempts >= this.config.NOTIFICATION_MAX_ATTEMPTS) {
      return this.deadLetter(tx, delivery, notification, reason, now, composition.recipient);
    }
    const retryAt = new Date(
      now.getTime() +
        backoffDelay(delivery.attempts, {
          initialDelayMs: this.config.NOTIFICATION_RETRY_INITIAL_DELAY_MS,
          maxDelayMs: this.config.NOTIFICATION_RETRY_MAX_DELAY_MS,
        }),
    );
    await this.repository.updateDelivery(tx.manager, delivery.id, {
      status: 'PENDING',
      nextAttemptAt: retryAt,
      lastError: reason,
      releaseLease: true,
    });
    return [
      {
        ...entry,
        outcome: 'FAILED',
        final: false,
        detail: `attempt ${delivery.attempts} failed, retrying at ${retryAt.toISOString()}: ${reason}`,
      },
    ];
  }

  /** Ends a delivery without sending it (skipped), in the claim's transaction; returns its log entry. */
  private async finish(
    tx: TransactionContext,
    delivery: DeliveryEntity,
    notification: NotificationEntity,
    status: 'SKIPPED',
    detail: string,
    now: Date,
  ): Promise<LogEntry[]> {
    await this.repository.updateDelivery(tx.manager, delivery.id, {
      status,
      lastError: detail,
      completedAt: now,
    });
    return [
      {
        notification,
        deliveryId: delivery.id,
        channel: delivery.channel as Channel,
        outcome: 'SKIPPED',
        final: true,
        detail,
        attempt: delivery.attempts,
      },
    ];
  }

  private async deadLetter(
    tx: TransactionContext,
    delivery: DeliveryEntity,
    notification: NotificationEntity,
    reason: string,
    now: Date,
    recipient: string | null = null,
  ): Promise<LogEntry[]> {
    const detail = `gave up after ${delivery.attempts} attempts, dead-lettered: ${reason}`;
    await this.repository.updateDelivery(tx.manager, delivery.id, {
      status: 'DEAD_LETTERED',
      lastError: detail,
      completedAt: now,
    });
    // What an operator needs to find and resend it; never the recipient or the message body.
    await this.outbox.appendDeadLetters(tx, [
      {
        id: delivery.id,
        key: delivery.orderId,
        value: Buffer.from(
          JSON.stringify({
            deliveryId: delivery.id,
            notificationId: notification.id,
            orderId: delivery.orderId,
            merchantId: delivery.merchantId,
            kind: notification.kind,
            channel: delivery.channel,
            attempts: delivery.attempts,
          }),
        ),
        headers: { 'content-type': 'application/json', 'notification-channel': delivery.channel },
        cause: { reason: detail, errorCode: 'DEPENDENCY_UNAVAILABLE', originalTopic: DISPATCH_ORIGIN },
      },
    ]);
    this.log.warn(
      `dead-lettered ${delivery.channel} delivery ${delivery.id} of order ${delivery.orderId}: ${reason}`,
    );
    return [
      {
        notification,
        deliveryId: delivery.id,
        channel: delivery.channel as Channel,
        outcome: 'FAILED',
        final: true,
        detail,
        recipient,
        attempt: delivery.attempts,
      },
    ];
  }
}
