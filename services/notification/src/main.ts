import './instrument';
import 'reflect-metadata';
import { loadConfig } from '@tracking/config';
import { createLogger } from '@tracking/logging';
import { createNotificationApp } from './bootstrap';
import { NotificationConfig } from './config/notification.config';

async function main(): Promise<void> {
  const config = loadConfig(NotificationConfig);
  const app = await createNotificationApp(config);
  await app.listen(config.PORT);
}

main().catch((error: unknown) => {
  // Before Nest's logger exists (bad configuration, unreachable database) this is the only voice.
  createLogger('notification').fatal({ err: error }, 'notification failed to start');
  process.exit(1);
});
