import { Injectable } from '@nestjs/common';
import { bulkInsert, lockNames, orderLockName, rowsOf } from '@tracking/db';
import { In, IsNull, type EntityManager } from 'typeorm';
import {
  OrderEntity,
  PRODUCTION_STATUS_SCHEMA,
  ProductionStepEntity,
  ShipmentEntity,
  type StepStatus,
} from './entities';

const STEP_COLUMNS: Array<[string, (step: ProductionStepEntity) => unknown]> = [
  ['id', (step) => step.id],
  ['order_id', (step) => step.orderId],
  ['fulfillment_centre_id', (step) => step.fulfillmentCentreId],
  ['centre_event_id', (step) => step.centreEventId],
  ['step', (step) => step.step],
  ['occurred_at', (step) => step.occurredAt],
  ['recorded_at', (step) => step.recordedAt],
  ['status', (step) => step.status],
  ['status_reason', (step) => step.statusReason],
  ['state', (step) => step.state],
  ['reason_code', (step) => step.reasonCode],
  ['voided_shipment_id', (step) => step.voidedShipmentId],
  ['report', (step) => JSON.stringify(step.report)],
];

@Injectable()
export class ProductionRepository {
  /**
   * Locks the orders, known or not yet known, against every other path that changes them, in a
   * fixed order so two requests touching the same orders cannot deadlock. The
   * name lock is what makes a report and its order's arrival serialise: the row lock alone locks
   * nothing while the order row does not exist, and the Kafka consumer takes the same names.
   */
  async lockOrders(manager: EntityManager, orderIds: readonly string[]): Promise<Map<string, OrderEntity>> {
    if (orderIds.length === 0) return new Map();
    await lockNames(
      manager,
      orderIds.map((orderId) => orderLockName(PRODUCTION_STATUS_SCHEMA, orderId)),
    );
    const orders = await manager
      .createQueryBuilder(OrderEntity, 'o')
      .where('o.orderId IN (:...orderIds)', { orderIds: [...orderIds].sort() })
      .orderBy('o.orderId')
      .setLock('pessimistic_write')
      .getMany();
    return new Map(orders.map((order) => [order.orderId, order]));
  }

  async findOrder(manager: EntityManager, orderId: string): Promise<OrderEntity | null> {
    return manager.findOne(OrderEntity, { where: { orderId } });
  }

  /** Creates the order unless known; returns it locked either way. */
  async insertOrderIfAbsent(manager: EntityManager, order: OrderEntity): Promise<OrderEntity> {
    await manager.createQueryBuilder().insert().into(OrderEntity).values(order).orIgnore().execute();
    const [locked] = (await this.lockOrders(manager, [order.orderId])).values();
    return locked!;
  }

  /** One statement for all the orders a batch changed, not one round trip each. */
  async saveOrders(manager: EntityManager, orders: readonly OrderEntity[]): Promise<void> {
    if (orders.length === 0) return;
    const params: unknown[] = [];
    const rows = orders.map((order) => {
      const at = params.push(
        order.orderId,
        order.packedAt,
        order.cancelledAt,
        order.deliveredAt,
        order.fulfillmentCentreId,
      );
      return `($${at - 4}::uuid, $${at - 3}::timestamptz, $${at - 2}::timestamptz, $${at - 1}::timestamptz, $${at}::text)`;
    });
    await manager.query(
      `UPDATE production_status.orders AS o
          SET packed_at = v.packed_at, cancelled_at = v.cancelled_at, delivered_at = v.delivered_at,
              fulfillment_centre_id = v.centre, updated_at = now()
         FROM (VALUES ${rows.join(', ')}) AS v (order_id, packed_at, cancelled_at, delivered_at, centre)
        WHERE o.order_id = v.order_id`,
      params,
    );
  }

  /** The centre's event ids among `centreEventIds` that it has already sent. */
  async existingSteps(
    manager: EntityManager,
    fulfillmentCentreId: string,
    centreEventIds: readonly string[],
  ): Promise<Map<string, ProductionStepEntity>> {
    if (centreEventIds.length === 0) return new Map();
    const steps = await manager.find(ProductionStepEntity, {
      where: { fulfillmentCentreId, centreEventId: In([...centreEventIds]) },
    });
    return new Map(steps.map((step) => [step.centreEventId, step]));
  }

  /** Inserts steps a concurrent request has not inserted first; returns the ids inserted. */
  async insertSteps(manager: EntityManager, steps: readonly ProductionStepEntity[]): Promise<Set<string>> {
    const inserted = await bulkInsert(
      manager,
      'production_status.production_steps',
      STEP_COLUMNS.map(([column]) => column),
      steps.map((step) => Object.fromEntries(STEP_COLUMNS.map(([column, read]) => [column, read(step)]))),
      {
        casts: { report: 'jsonb' },
        onConflict: 'ON CONFLICT (fulfillment_centre_id, centre_event_id) DO NOTHING',
        returning: 'id',
      },
    );
    return new Set(inserted as string[]);
  }

  async updateStep(manager: EntityManager, step: ProductionStepEntity): Promise<void> {
    await manager.update(
      ProductionStepEntity,
      { id: step.id },
      {
        status: step.status,
        statusReason: step.statusReason,
        state: step.state,
        reasonCode: step.reasonCode,
        voidedShipmentId: step.voidedShipmentId,
      },
    );
  }

  async shipmentsOfOrders(manager: EntityManager, orderIds: readonly string[]): Promise<ShipmentEntity[]> {
    if (orderIds.length === 0) return [];
    return manager.find(ShipmentEntity, { where: { orderId: In([...orderIds]) } });
  }

  /** Tracking numbers among `numbers` that are on a live (not voided) label. */
  async liveTrackingNumbers(manager: EntityManager, numbers: readonly string[]): Promise<Set<string>> {
    if (numbers.length === 0) return new Set();
    const shipments = await manager.find(ShipmentEntity, {
      select: { trackingNumber: true },
      where: { trackingNumber: In([...numbers]), voidedAt: IsNull() },
    });
    return new Set(shipments.map((shipment) => shipment.trackingNumber));
  }

  async insertShipments(manager: EntityManager, shipments: readonly ShipmentEntity[]): Promise<void> {
    await bulkInsert(
      manager,
      'production_status.shipments',
      [
        'id',
        'order_id',
        'carrier',
        'tracking_number',
        'service_level',
        'package_count',
        'weight_grams',
        'packed_at',
        'voided_at',
      ],
      shipments.map((shipment) => ({
        id: shipment.id,
        order_id: shipment.orderId,
        carrier: shipment.carrier,
        tracking_number: shipment.trackingNumber,
        service_level: shipment.serviceLevel,
        package_count: shipment.packageCount,
        weight_grams: shipment.weightGrams,
        packed_at: shipment.packedAt,
        voided_at: shipment.voidedAt,
      })),
    );
  }

  async voidShipment(manager: EntityManager, shipmentId: string, voidedAt: Date): Promise<void> {
    await manager.update(ShipmentEntity, { id: shipmentId }, { voidedAt });
  }

  /** Steps waiting for these orders, oldest occurrence first, locked against a concurrent sweep. */
  async awaitingStepsOf(
    manager: EntityManager,
    orderIds: readonly string[],
  ): Promise<ProductionStepEntity[]> {
    if (orderIds.length === 0) return [];
    return manager
      .createQueryBuilder(ProductionStepEntity, 's')
      .where('s.orderId IN (:...orderIds) AND s.status = :status', {
        orderIds,
        status: 'AWAITING_ORDER' satisfies StepStatus,
      })
      .orderBy('s.occurredAt')
      .addOrderBy('s.recordedAt')
      .addOrderBy('s.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * Orders with reports still waiting that the sweep should settle: those whose order is known by
   * now (a release the arrival could not make) and those waiting longer than the timeout.
   */
  async ordersToSettle(manager: EntityManager, recordedBefore: Date, limit: number): Promise<string[]> {
    const rows = await rowsOf<{ order_id: string }>(
      manager,
      `SELECT s.order_id
         FROM production_status.production_steps s
        WHERE s.status = 'AWAITING_ORDER'
          AND (s.recorded_at < $1
               OR EXISTS (SELECT 1 FROM production_status.orders o WHERE o.order_id = s.order_id))
        GROUP BY s.order_id
        ORDER BY min(s.recorded_at)
        LIMIT $2`,
      [recordedBefore, limit],
    );
    return rows.map((row) => row.order_id);
  }

  async timeline(
    manager: EntityManager,
    orderId: string,
  ): Promise<{ steps: ProductionStepEntity[]; shipments: ShipmentEntity[] }> {
    const [steps, shipments] = [
      await manager.find(ProductionStepEntity, {
        where: { orderId, status: 'APPLIED' },
        order: { occurredAt: 'ASC', recordedAt: 'ASC' },
      }),
      await manager.find(ShipmentEntity, { where: { orderId }, order: { packedAt: 'ASC', id: 'ASC' } }),
    ];
    return { steps, shipments };
  }
}
