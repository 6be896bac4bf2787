import type { ServiceDatabaseOptions } from '@tracking/db';
import { messagingTablesMigration } from '@tracking/kafka';
import { OrderEntity, PRODUCTION_STATUS_SCHEMA, ProductionStepEntity, ShipmentEntity } from './entities';
import { CreateProductionTables1764576000100 } from './migrations/1764576000100-create-production-tables';

/** This service's tables: used by the running service and by `npm run migrate`. */
export const PRODUCTION_STATUS_DATABASE: ServiceDatabaseOptions = {
  schema: PRODUCTION_STATUS_SCHEMA,
  entities: [OrderEntity, ProductionStepEntity, ShipmentEntity],
  migrations: [messagingTablesMigration(PRODUCTION_STATUS_SCHEMA), CreateProductionTables1764576000100],
};
