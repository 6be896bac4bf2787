import type { ServiceDatabaseOptions } from '@tracking/db';
import { messagingTablesMigration } from '@tracking/kafka';
import { CreateOrders1763856000100 } from './migrations/1763856000100-create-orders';
import { RecordBuyerErasure1796410000000 } from './migrations/1796410000000-record-buyer-erasure';
import { ORDER_INTAKE_SCHEMA, OrderEntity } from './order.entity';

/** This service's tables: used by the running service and by `npm run migrate`. */
export const ORDER_INTAKE_DATABASE: ServiceDatabaseOptions = {
  schema: ORDER_INTAKE_SCHEMA,
  entities: [OrderEntity],
  migrations: [
    messagingTablesMigration(ORDER_INTAKE_SCHEMA),
    CreateOrders1763856000100,
    RecordBuyerErasure1796410000000,
  ],
};
