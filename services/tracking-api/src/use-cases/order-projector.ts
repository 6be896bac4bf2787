import { Inject, Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import {
  createEnvelope,
  isEnvelopeOf,
  statusChangedPayload,
  trackingEventFromEnvelope,
  type CanonicalState,
  type EnvelopeOf,
  type EventEnvelope,
} from '@tracking/events';
import { OutboxWriter } from '@tracking/kafka';
import { projectOrder, type OrderProjection } from '../domain/order-projection';
import { ETA_SETTINGS, type EtaSettings } from '../domain/eta-settings';
import { carriesPersonalData } from '../domain/personal-data';
import { ReadModelRepository } from '../persistence/read-model.repository';
import { StatusHub } from '../live/status-hub';

export const TRACKING_API_SERVICE = 'tracking-api';

export interface ProjectOptions {
  /** A rebuild replays history: it must not announce old status changes again. */
  publish: boolean;
}

/**
 * Keeps the read model of an order current: stores each fact once, recomputes the order from all
 * of its facts with the shared reducer, and when the status changes records the change (for
 * streams to resume from), publishes tracking.status-changed and wakes live streams.
 */
@Injectable()
export class OrderProjector {
  constructor(
    private readonly repository: ReadModelRepository,
    private readonly outbox: OutboxWriter,
    private readonly hub: StatusHub,
    @Inject(ETA_SETTINGS) private readonly eta: EtaSettings,
  ) {}

  async apply(
    tx: TransactionContext,
    event: EventEnvelope,
    options: ProjectOptions = { publish: true },
    now = new Date(),
  ): Promise<void> {
    // Round trips are what a projection costs at peak: four per fact, five when the status moves
    // (and one more for the few facts that carry personal data, a delivery's proof among them).
    const fresh = await this.repository.insertEvent(tx.manager, event);
    if (!fresh) return;
    if (carriesPersonalData(event)) await this.repository.scrubIfErased(tx.manager, event);
    // Notifications and buyers' requests are kept as evidence but change nothing in the projection.
    if (!trackingEventFromEnvelope(event)) return;
    const { previous, events } = await this.repository.orderWithFacts(tx.manager, event.orderId);
    const received = events.find((candidate): candidate is EnvelopeOf<'orderReceived'> =>
      isEnvelopeOf(candidate, 'orderReceived'),
    );
    // Facts that overtook their order (topics are not ordered across each other) wait in events.
    if (!received) return;

    const centre = received.payload.value.fulfillmentCentreId;
    const projection = projectOrder(
      received,
      events,
      {
        transitTable: this.eta.transitTable,
        productionDays:
          (centre ? this.eta.productionDaysByCentre[centre] : undefined) ?? this.eta.productionDays,
      },
      now,
    );
    const version = (previous?.statusVersion ?? 0) + 1;
    await this.repository.saveOrder(tx.manager, this.record(received, projection), version);

    const statusChanged =
      !previous ||
      previous.state !== projection.status.state ||
      (previous.stateReason ?? null) !== (projection.status.activeException?.reason ?? null);
    if (statusChanged && options.publish) {
      await this.outbox.append(tx, [
        this.statusChangedEvent(received, projection, previous?.state as CanonicalState | undefined),
      ]);
    }
    await this.hub.announce(tx, event.orderId);
  }

  private record(received: EnvelopeOf<'orderReceived'>, projection: OrderProjection) {
    const value = received.payload.value;
    const { status } = projection;
    return {
      orderId: received.orderId,
      merchantId: received.merchantId,
      externalOrderId: value.externalOrderId,
      // Stored as published: lookups hash the presented token with the same trackingTokenHash.
      trackingTokenHash: value.trackingTokenHash || null,
      storefrontPlatform: value.storefrontPlatform,
      placedAt: new Date(value.placedAt ?? received.occurredAt ?? received.recordedAt!),
      receivedAt: new Date(received.occurredAt ?? received.recordedAt!),
      fulfillmentCentreId: value.fulfillmentCentreId || null,
      promisedDeliveryDate: value.promisedDeliveryDate || null,
      buyerLocale: value.buyerLocale || 'en',
      destinationCountry: value.destination?.countryCode ?? '',
      state: status.state,
      stateReason: status.activeException?.reason ?? null,
      stateOccurredAt: new Date(status.occurredAt),
      milestone: status.milestone ?? null,
      milestones: projection.milestones,
      exception: status.activeException ?? null,
      packedAt: projection.packedAt,
      firstCarrierScanAt: projection.firstCarrierScanAt,
      deliveredAt: projection.deliveredAt,
      lastEventAt: projection.lastEventAt,
      etaFrom: projection.window?.from ?? null,
      etaTo: projection.window?.to ?? null,
      firstEtaTo: projection.firstWindowTo,
      carriers: projection.carriers,
      validTracking: projection.validTracking,
      publicView: projection.publicView,
    };
  }

  private statusChangedEvent(
    received: EnvelopeOf<'orderReceived'>,
    projection: OrderProjection,
    previousState: CanonicalState | undefined,
  ): EventEnvelope {
    const { status, window } = projection;
    return createEnvelope({
      orderId: received.orderId,
      merchantId: received.merchantId,
      occurredAt: status.occurredAt,
      source: { service: TRACKING_API_SERVICE },
      payload: {
        $case: 'trackingStatusChanged',
        value: statusChangedPayload(
          status,
          previousState,
          window
            ? { from: window.from.toISOString(), to: window.to.toISOString(), late: window.late }
            : undefined,
        ),
      },
    });
  }
}
