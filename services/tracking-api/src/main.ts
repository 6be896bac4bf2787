import './instrument';
import 'reflect-metadata';
import { loadConfig } from '@tracking/config';
import { createLogger } from '@tracking/logging';
import { createTrackingApiApp } from './bootstrap';
import { TrackingApiConfig } from './config/tracking-api.config';

async function main(): Promise<void> {
  const config = loadConfig(TrackingApiConfig);
  const app = await createTrackingApiApp(config);
  await app.listen(config.PORT);
}

main().catch((error: unknown) => {
  // Before Nest's logger exists (bad configuration, unreachable database) this is the only voice.
  createLogger('tracking-api').fatal({ err: error }, 'tracking-api failed to start');
  process.exit(1);
});
