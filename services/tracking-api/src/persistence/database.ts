import type { ServiceDatabaseOptions } from '@tracking/db';
import { messagingTablesMigration } from '@tracking/kafka';
import { CreateReadModel1764576000300 } from './migrations/1764576000300-create-read-model';
import { AddFirstEtaAndMetricsIndexes1764576000500 } from './migrations/1764576000500-add-first-eta-and-metrics-indexes';
import { KeepBuyerGreetingsApart1796410800000 } from './migrations/1796410800000-keep-buyer-greetings-apart';

export const TRACKING_API_SCHEMA = 'tracking_api';

/**
 * This service's tables: used by the running service and by `npm run migrate`. The read model is
 * queried with SQL rather than entities: its rows are projections, written and read whole.
 */
export const TRACKING_API_DATABASE: ServiceDatabaseOptions = {
  schema: TRACKING_API_SCHEMA,
  entities: [],
  migrations: [
    messagingTablesMigration(TRACKING_API_SCHEMA),
    CreateReadModel1764576000300,
    AddFirstEtaAndMetricsIndexes1764576000500,
    KeepBuyerGreetingsApart1796410800000,
  ],
};
