import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import { TrackingError } from '@tracking/errors';
import type { CanonicalReasonCode, CanonicalState, EventEnvelope } from '@tracking/events';
import { OutboxWriter, type DeadLetterInput } from '@tracking/kafka';
import { validateTrackingNumber } from '@tracking/tracking-numbers';
import { productionMetrics } from '../domain/metrics';
import {
  applyToOrder,
  decideProductionReport,
  mayReport,
  type ProductionReport,
  type RejectionCode,
} from '../domain/production-event';
import { eventsOfAcceptedStep, type RegisteredShipment } from '../domain/production-events';
import { OrderEntity, ProductionStepEntity, ShipmentEntity, type StepStatus } from '../persistence/entities';
import { ProductionRepository } from '../persistence/production.repository';

export type ReportOutcome =
  | {
      outcome: 'accepted';
      eventId: string;
      stepId: string;
      state: CanonicalState;
      reason?: CanonicalReasonCode;
      shipments: RegisteredShipment[];
    }
  | { outcome: 'duplicate'; eventId: string; stepId: string; status: StepStatus }
  | { outcome: 'awaiting_order'; eventId: string; stepId: string }
  | {
      outcome: 'rejected';
      eventId: string;
      code: RejectionCode;
      cause: string;
      reason: string;
      field?: string;
    };

/** Where an early report that cannot be applied is said to have come from, in its dead letter. */
const EARLY_REPORT_ORIGIN = 'http:/v1/production-events';

/**
 * The working set of one transaction: the orders, shipments and steps it touches, the decisions
 * made on them in order, and the writes and events that follow. HTTP reports and early reports
 * released by an arriving order go through the same `apply`, so both obey the same rules.
 */
class LedgerTransaction {
  private readonly newSteps: ProductionStepEntity[] = [];
  private readonly appliedEarlySteps: ProductionStepEntity[] = [];
  private readonly newShipments: ShipmentEntity[] = [];
  private readonly voided: Array<{ shipmentId: string; at: Date }> = [];
  private readonly changedOrders = new Map<string, OrderEntity>();
  private readonly events: EventEnvelope[] = [];
  private readonly deadLetters: DeadLetterInput[] = [];
  private readonly firstPacked: Array<{ receivedAt: Date; packedAt: Date }> = [];
  private readonly tally: Array<{ type: string; outcome: string; cause: string }> = [];

  constructor(
    private readonly shipmentsByOrder: Map<string, ShipmentEntity[]>,
    private readonly liveTrackingNumbers: Set<string>,
    private readonly now: Date,
  ) {}

  /** Decides one report against its order and records what follows; the order must be locked. */
  apply(
    order: OrderEntity,
    fulfillmentCentreId: string,
    report: ProductionReport,
    step: ProductionStepEntity,
  ): ReportOutcome {
    if (!mayReport(order, fulfillmentCentreId)) {
      // The same answer as for an order that does not exist: a centre learns nothing of others' orders.
      return this.rejected(report, {
        code: 'NOT_FOUND',
        cause: 'NOT_ASSIGNED',
        reason: `order ${report.orderId} was not found among the orders assigned to this fulfillment centre`,
      });
    }
    const orderShipments = this.shipmentsByOrder.get(order.orderId) ?? [];
    const decision = decideProductionReport(
      order,
      report,
      orderShipments,
      this.liveTrackingNumbers,
      this.now,
    );
    if (!decision.accepted) return this.rejected(report, decision);

    const shipments: RegisteredShipment[] = decision.shipments.map((shipment) => ({
      shipmentId: randomUUID(),
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      ...(shipment.serviceLevel ? { serviceLevel: shipment.serviceLevel } : {}),
      packageCount: shipment.packageCount ?? 1,
      ...(shipment.weightGrams ? { weightGrams: shipment.weightGrams } : {}),
    }));
    const occurredAt = new Date(report.occurredAt);
    for (const shipment of shipments) {
      const entity = Object.assign(new ShipmentEntity(), {
        id: shipment.shipmentId,
        orderId: order.orderId,
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        serviceLevel: shipment.serviceLevel ?? null,
        packageCount: shipment.packageCount ?? 1,
        weightGrams: shipment.weightGrams ?? null,
        packedAt: occurredAt,
        voidedAt: null,
      } satisfies ShipmentEntity);
      this.newShipments.push(entity);
      orderShipments.push(entity);
      this.liveTrackingNumbers.add(shipment.trackingNumber);
    }
    this.shipmentsByOrder.set(order.orderId, orderShipments);
    if (decision.voidedShipment) {
      const voided = decision.voidedShipment;
      voided.voidedAt = occurredAt;
      this.voided.push({ shipmentId: voided.id, at: occurredAt });
      this.liveTrackingNumbers.delete(voided.trackingNumber);
    }

    const updated = applyToOrder(order, report);
    if (updated !== order) {
      if (updated.packedAt && !order.packedAt) {
        this.firstPacked.push({ receivedAt: order.receivedAt, packedAt: updated.packedAt });
      }
      Object.assign(order, updated);
      this.changedOrders.set(order.orderId, order);
    }

    step.status = 'APPLIED';
    step.statusReason = null;
    step.state = decision.state;
    step.reasonCode = decision.reason ?? null;
    step.voidedShipmentId = decision.voidedShipment?.id ?? null;
    this.events.push(
      ...eventsOfAcceptedStep({
        eventId: step.id,
        order,
        fulfillmentCentreId,
        report,
        state: decision.state,
        ...(decision.reason ? { reason: decision.reason } : {}),
        shipments,
        ...(step.voidedShipmentId ? { voidedShipmentId: step.voidedShipmentId } : {}),
        recordedAt: step.recordedAt,
      }),
    );
    this.count(report, 'accepted', '');
    return {
      outcome: 'accepted',
      eventId: report.eventId,
      stepId: step.id,
      state: decision.state,
      ...(decision.reason ? { reason: decision.reason } : {}),
      shipments,
    };
  }

  addNewStep(step: ProductionStepEntity): void {
    this.newSteps.push(step);
  }

  addAppliedEarlyStep(step: ProductionStepEntity): void {
    this.appliedEarlySteps.push(step);
  }

  /** An early report that can no longer be applied: kept as evidence and dead-lettered with why. */
  deadLetter(step: ProductionStepEntity, code: RejectionCode, cause: string, reason: string): void {
    step.status = 'DEAD_LETTERED';
    step.statusReason = reason;
    this.appliedEarlySteps.push(step);
    this.deadLetters.push({
      id: step.id,
      key: step.orderId,
      value: Buffer.from(JSON.stringify({ fulfillmentCentreId: step.fulfillmentCentreId, ...step.report })),
      headers: {
        'content-type': 'application/json',
        'fulfillment-centre-id': step.fulfillmentCentreId,
        'centre-event-id': step.centreEventId,
      },
      cause: { reason, errorCode: code, originalTopic: EARLY_REPORT_ORIGIN },
    });
    this.tally.push({ type: step.step, outcome: 'dead_lettered', cause });
  }

  count(report: Pick<ProductionReport, 'type'>, outcome: string, cause: string): void {
    this.tally.push({ type: report.type, outcome, cause });
  }

  /** Writes everything decided; returns the ids of new steps a concurrent request had not inserted. */
  async flush(
    tx: TransactionContext,
    repository: ProductionRepository,
    outbox: OutboxWriter,
  ): Promise<Set<string>> {
    const inserted = await repository.insertSteps(tx.manager, this.newSteps);
    const lost = this.newSteps.filter((step) => step.status === 'APPLIED' && !inserted.has(step.id));
    if (lost.length > 0) {
      // Another request sent the same centre event id for a different order at the same moment.
      throw new TrackingError(
        'CONFLICT',
        `event ${lost[0]!.centreEventId} was submitted concurrently; send it again`,
        {
          canRetry: true,
        },
      );
    }
    for (const step of this.appliedEarlySteps) await repository.updateStep(tx.manager, step);
    await repository.insertShipments(tx.manager, this.newShipments);
    for (const { shipmentId, at } of this.voided) await repository.voidShipment(tx.manager, shipmentId, at);
    await repository.saveOrders(tx.manager, [...this.changedOrders.values()]);
    await outbox.append(tx, this.events);
    await outbox.appendDeadLetters(tx, this.deadLetters);
    tx.afterCommit(() => this.recordMetrics());
    return inserted;
  }

  private rejected(
    report: ProductionReport,
    rejection: { code: RejectionCode; cause: string; reason: string; field?: string },
  ): ReportOutcome {
    this.count(report, 'rejected', rejection.cause);
    return {
      outcome: 'rejected',
      eventId: report.eventId,
      code: rejection.code,
      cause: rejection.cause,
      reason: rejection.reason,
      ...(rejection.field ? { field: rejection.field } : {}),
    };
  }

  private recordMetrics(): void {
    const reports = productionMetrics.reports();
    for (const { type, outcome, cause } of this.tally) reports.inc({ type, outcome, cause });
    const expired = productionMetrics.awaitingOrderExpired();
    for (const { outcome, cause } of this.tally) if (outcome === 'dead_lettered') expired.inc({ cause });
    const darkZone = productionMetrics.receivedToPacked();
    for (const { receivedAt, packedAt } of this.firstPacked) {
      darkZone.observe(Math.max(0, (packedAt.getTime() - receivedAt.getTime()) / 1_000));
    }
  }
}

function newStep(
  fulfillmentCentreId: string,
  report: ProductionReport,
  status: StepStatus,
  recordedAt: Date,
): ProductionStepEntity {
  return Object.assign(new ProductionStepEntity(), {
    id: randomUUID(),
    orderId: report.orderId,
    fulfillmentCentreId,
    centreEventId: report.eventId,
    step: report.type,
    occurredAt: new Date(report.occurredAt),
    recordedAt,
    status,
    statusReason: null,
    state: null,
    reasonCode: null,
    voidedShipmentId: null,
    report,
  } satisfies ProductionStepEntity);
}

/** Normalized numbers a batch's PACKED reports would register, to look up in one query. */
function candidateTrackingNumbers(reports: readonly ProductionReport[]): string[] {
  return reports.flatMap((report) =>
    (report.shipments ?? []).flatMap((shipment) => {
      const validation = validateTrackingNumber(shipment.carrier, shipment.trackingNumber);
      return validation.valid ? [validation.normalized] : [];
    }),
  );
}

@Injectable()
export class ProductionLedger {
  constructor(
    private readonly repository: ProductionRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Records a centre's reports, in the order given, in the caller's transaction: each one is
   * accepted, a duplicate, waiting for its order, or rejected with the reason; one report's
   * rejection never affects another's.
   */
  async record(
    tx: TransactionContext,
    fulfillmentCentreId: string,
    reports: readonly ProductionReport[],
    now = new Date(),
  ): Promise<ReportOutcome[]> {
    const orderIds = [...new Set(reports.map((report) => report.orderId))];
    const orders = await this.repository.lockOrders(tx.manager, orderIds);
    // Read after the locks, so a concurrent request for the same orders has committed its steps.
    const existing = await this.repository.existingSteps(
      tx.manager,
      fulfillmentCentreId,
      reports.map((report) => report.eventId),
    );
    const shipments = await this.repository.shipmentsOfOrders(tx.manager, [...orders.keys()]);
    const ledger = new LedgerTransaction(
      groupBy(shipments, (shipment) => shipment.orderId),
      await this.repository.liveTrackingNumbers(tx.manager, candidateTrackingNumbers(reports)),
      now,
    );

    const seen = new Map<string, ProductionStepEntity>();
    const outcomes = reports.map((report): ReportOutcome => {
      const earlier = existing.get(report.eventId) ?? seen.get(report.eventId);
      if (earlier) {
        ledger.count(report, 'duplicate', '');
        return { outcome: 'duplicate', eventId: report.eventId, stepId: earlier.id, status: earlier.status };
      }
      const order = orders.get(report.orderId);
      const step = newStep(fulfillmentCentreId, report, order ? 'APPLIED' : 'AWAITING_ORDER', now);
      if (!order) {
        // The order event may still be in flight: keep the report and apply it when the order arrives.
        seen.set(report.eventId, step);
        ledger.addNewStep(step);
        ledger.count(report, 'awaiting_order', '');
        return { outcome: 'awaiting_order', eventId: report.eventId, stepId: step.id };
      }
      const outcome = ledger.apply(order, fulfillmentCentreId, report, step);
      if (outcome.outcome === 'accepted') {
        seen.set(report.eventId, step);
        ledger.addNewStep(step);
      }
      return outcome;
    });

    const inserted = await ledger.flush(tx, this.repository, this.outbox);
    // An early report a concurrent request stored first is that request's, not a second one.
    return outcomes.map((outcome) =>
      outcome.outcome === 'awaiting_order' && !inserted.has(outcome.stepId)
        ? { outcome: 'duplicate', eventId: outcome.eventId, stepId: outcome.stepId, status: 'AWAITING_ORDER' }
        : outcome,
    );
  }

  /**
   * Applies the reports that arrived before their order, in occurrence order, once the order is
   * known; the orders must be locked (`lockOrders`), which is what guarantees that a report
   * stored by a request still in flight is either seen here or sees the order itself. One that
   * cannot be applied (another centre's order, an impossible step) is dead-lettered with the
   * reason rather than dropped.
   */
  async releaseAwaiting(
    tx: TransactionContext,
    orders: readonly OrderEntity[],
    now = new Date(),
  ): Promise<number> {
    const awaiting = await this.repository.awaitingStepsOf(
      tx.manager,
      orders.map((order) => order.orderId),
    );
    if (awaiting.length === 0) return 0;
    await this.settle(tx, new Map(orders.map((order) => [order.orderId, order])), awaiting, null, now);
    return awaiting.length;
  }

  /**
   * The sweep behind every early report: applies those whose order is known by now and
   * dead-letters those whose order has not arrived within `timeoutMs`. Release on arrival covers
   * the common case; this catches whatever it could not, so no report waits for good.
   */
  async settleAwaiting(
    tx: TransactionContext,
    timeoutMs: number,
    limit: number,
    now = new Date(),
  ): Promise<{ released: number; deadLettered: number }> {
    const expiredBefore = new Date(now.getTime() - timeoutMs);
    const orderIds = await this.repository.ordersToSettle(tx.manager, expiredBefore, limit);
    if (orderIds.length === 0) return { released: 0, deadLettered: 0 };
    const orders = await this.repository.lockOrders(tx.manager, orderIds);
    const awaiting = await this.repository.awaitingStepsOf(tx.manager, orderIds);
    return this.settle(tx, orders, awaiting, expiredBefore, now);
  }

  private async settle(
    tx: TransactionContext,
    orders: ReadonlyMap<string, OrderEntity>,
    awaiting: readonly ProductionStepEntity[],
    expiredBefore: Date | null,
    now: Date,
  ): Promise<{ released: number; deadLettered: number }> {
    const orderIds = [...new Set(awaiting.map((step) => step.orderId))].filter((id) => orders.has(id));
    const shipments = await this.repository.shipmentsOfOrders(tx.manager, orderIds);
    const ledger = new LedgerTransaction(
      groupBy(shipments, (shipment) => shipment.orderId),
      await this.repository.liveTrackingNumbers(
        tx.manager,
        candidateTrackingNumbers(awaiting.map((step) => step.report)),
      ),
      now,
    );
    let released = 0;
    let deadLettered = 0;
    for (const step of awaiting) {
      const order = orders.get(step.orderId);
      if (!order) {
        if (!expiredBefore || step.recordedAt >= expiredBefore) continue;
        ledger.deadLetter(
          step,
          'NOT_FOUND',
          'ORDER_NEVER_ARRIVED',
          `order ${step.orderId} was not received within ${Math.round((now.getTime() - expiredBefore.getTime()) / 1_000)} s of this report`,
        );
        deadLettered += 1;
        continue;
      }
      const outcome = ledger.apply(order, step.fulfillmentCentreId, step.report, step);
      if (outcome.outcome === 'rejected') {
        ledger.deadLetter(step, outcome.code, outcome.cause, outcome.reason);
        deadLettered += 1;
      } else {
        ledger.addAppliedEarlyStep(step);
        released += 1;
      }
    }
    await ledger.flush(tx, this.repository, this.outbox);
    return { released, deadLettered };
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
