import type { ServiceDatabaseOptions } from '@tracking/db';
import { messagingTablesMigration } from '@tracking/kafka';
import {
  BuyerContactEntity,
  DeliveryEntity,
  DeliveryLogEntity,
  MerchantSettingsEntity,
  NOTIFICATION_SCHEMA,
  NotificationEntity,
  OrderProgressEntity,
  SmsOptOutEntity,
} from './entities';
import { CreateNotificationTables1764576000400 } from './migrations/1764576000400-create-notification-tables';
import { RecordContactApartAndErasure1796410100000 } from './migrations/1796410100000-record-contact-apart-and-erasure';

/** This service's tables: used by the running service and by `npm run migrate`. */
export const NOTIFICATION_DATABASE: ServiceDatabaseOptions = {
  schema: NOTIFICATION_SCHEMA,
  entities: [
    MerchantSettingsEntity,
    BuyerContactEntity,
    OrderProgressEntity,
    NotificationEntity,
    DeliveryEntity,
    DeliveryLogEntity,
    SmsOptOutEntity,
  ],
  migrations: [
    messagingTablesMigration(NOTIFICATION_SCHEMA),
    CreateNotificationTables1764576000400,
    RecordContactApartAndErasure1796410100000,
  ],
};
