import './instrument';
import 'reflect-metadata';
import { loadConfig } from '@tracking/config';
import { createLogger } from '@tracking/logging';
import { createOrderIntakeApp } from './bootstrap';
import { OrderIntakeConfig } from './config/order-intake.config';

async function main(): Promise<void> {
  const config = loadConfig(OrderIntakeConfig);
  const app = await createOrderIntakeApp(config);
  await app.listen(config.PORT);
}

main().catch((error: unknown) => {
  // Before Nest's logger exists (bad configuration, unreachable database) this is the only voice.
  createLogger('order-intake').fatal({ err: error }, 'order-intake failed to start');
  process.exit(1);
});
