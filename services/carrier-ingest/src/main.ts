import './instrument';
import 'reflect-metadata';
import { loadConfig } from '@tracking/config';
import { createLogger } from '@tracking/logging';
import { createCarrierIngestApp } from './bootstrap';
import { CarrierIngestConfig } from './config/carrier-ingest.config';

async function main(): Promise<void> {
  const config = loadConfig(CarrierIngestConfig);
  const app = await createCarrierIngestApp(config);
  await app.listen(config.PORT);
}

main().catch((error: unknown) => {
  // Before Nest's logger exists (bad configuration, unreachable database) this is the only voice.
  createLogger('carrier-ingest').fatal({ err: error }, 'carrier-ingest failed to start');
  process.exit(1);
});
