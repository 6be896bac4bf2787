import type { Provider } from '@nestjs/common';
import { CarrierIngestConfig } from '../config/carrier-ingest.config';
import { CARRIER_SETTINGS, loadCarrierSettings } from '../config/carrier-settings';
import type { CarrierAdapter } from './carrier-adapter';
import { carrierAdapters } from './registry';

export const CARRIER_ADAPTERS = Symbol('CARRIER_ADAPTERS');

/** The adapters found in carriers/, and each one's settings read from `CARRIER_<ID>_*`. */
export const carrierProviders: Provider[] = [
  { provide: CARRIER_ADAPTERS, useFactory: () => carrierAdapters() },
  {
    provide: CARRIER_SETTINGS,
    inject: [CARRIER_ADAPTERS, CarrierIngestConfig],
    // The config instance carries every variable it was loaded from, CARRIER_* ones included.
    useFactory: (adapters: ReadonlyMap<string, CarrierAdapter>, config: CarrierIngestConfig) =>
      loadCarrierSettings(
        [...adapters.keys()],
        config as unknown as Record<string, unknown>,
        new Set([...adapters.values()].filter((adapter) => adapter.pollRequest).map((adapter) => adapter.id)),
      ),
  },
];
