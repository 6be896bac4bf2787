import { Injectable } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import { OrderEntity, ProductionStepEntity, ShipmentEntity, type StepStatus } from './entities';

// Rows per INSERT: well under PostgreSQL's 65,535 parameters with the widest table.
const INSERT_CHUNK = 500;

@Injectable()
export class ProductionRepository {
  /**
   * Locks the orders a request reports on, in a fixed order so two requests touching the same
   * orders cannot deadlock; concurrent reports for one order then see each other's effects.
   */
  async lockOrders(manager: EntityManager, orderIds: readonly string[]): Promise<Map<string, OrderEntity>> {
    if (orderIds.length === 0) return new Map();
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

  async saveOrders(manager: EntityManager, orders: readonly OrderEntity[]): Promise<void> {
    for (const order of orders) {
      await manager.update(
        OrderEntity,
        { orderId: order.orderId },
        {
          packedAt: order.packedAt,
          cancelledAt: order.cancelledAt,
          deliveredAt: order.deliveredAt,
          fulfillmentCentreId: order.fulfillmentCentreId,
        },
      );
    }
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
    const inserted = new Set<string>();
    for (let start = 0; start < steps.length; start += INSERT_CHUNK) {
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(ProductionStepEntity)
        .values(steps.slice(start, start + INSERT_CHUNK))
        .orIgnore()
        // TypeORM would copy the returned ids onto the values by position, so with skipped rows a
        // duplicate would take a new row's id: the caller reads `raw` instead.
        .updateEntity(false)
        .returning(['id'])
        .execute();
      for (const row of result.raw as Array<{ id: string }>) inserted.add(row.id);
    }
    return inserted;
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
    for (let start = 0; start < shipments.length; start += INSERT_CHUNK) {
      await manager.insert(ShipmentEntity, shipments.slice(start, start + INSERT_CHUNK));
    }
  }

  async voidShipment(manager: EntityManager, shipmentId: string, voidedAt: Date): Promise<void> {
    await manager.update(ShipmentEntity, { id: shipmentId }, { voidedAt });
  }

  /** Steps waiting for this order, oldest occurrence first, locked against the expiry sweep. */
  async awaitingStepsOf(manager: EntityManager, orderId: string): Promise<ProductionStepEntity[]> {
    return manager
      .createQueryBuilder(ProductionStepEntity, 's')
      .where('s.orderId = :orderId AND s.status = :status', {
        orderId,
        status: 'AWAITING_ORDER' satisfies StepStatus,
      })
      .orderBy('s.occurredAt')
      .addOrderBy('s.recordedAt')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Steps whose order has not arrived in time; replicas sweeping together take different rows. */
  async expiredAwaitingSteps(
    manager: EntityManager,
    recordedBefore: Date,
    limit: number,
  ): Promise<ProductionStepEntity[]> {
    return manager
      .createQueryBuilder(ProductionStepEntity, 's')
      .where('s.status = :status AND s.recordedAt < :recordedBefore', {
        status: 'AWAITING_ORDER' satisfies StepStatus,
        recordedBefore,
      })
      .orderBy('s.recordedAt')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
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
