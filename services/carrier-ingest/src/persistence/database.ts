import type { ServiceDatabaseOptions } from '@tracking/db';
import { messagingTablesMigration } from '@tracking/kafka';
import {
  CARRIER_INGEST_SCHEMA,
  ScanEntity,
  ShipmentEntity,
  UnmatchedReportEntity,
  WebhookDeliveryEntity,
} from './entities';
import { CreateCarrierTables1764576000200 } from './migrations/1764576000200-create-carrier-tables';
import { CountWebhookAttemptsBeforeProcessing1796408147747 } from './migrations/1796408147747-count-webhook-attempts-before-processing';

/** This service's tables: used by the running service and by `npm run migrate`. */
export const CARRIER_INGEST_DATABASE: ServiceDatabaseOptions = {
  schema: CARRIER_INGEST_SCHEMA,
  entities: [ShipmentEntity, ScanEntity, WebhookDeliveryEntity, UnmatchedReportEntity],
  migrations: [
    messagingTablesMigration(CARRIER_INGEST_SCHEMA),
    CreateCarrierTables1764576000200,
    CountWebhookAttemptsBeforeProcessing1796408147747,
  ],
};
