import './instrument';
import 'reflect-metadata';
import { loadConfig } from '@tracking/config';
import { createLogger } from '@tracking/logging';
import { createProductionStatusApp } from './bootstrap';
import { ProductionStatusConfig } from './config/production-status.config';

async function main(): Promise<void> {
  const config = loadConfig(ProductionStatusConfig);
  const app = await createProductionStatusApp(config);
  await app.listen(config.PORT);
}

main().catch((error: unknown) => {
  // Before Nest's logger exists (bad configuration, unreachable database) this is the only voice.
  createLogger('production-status').fatal({ err: error }, 'production-status failed to start');
  process.exit(1);
});
