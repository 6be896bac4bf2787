import { PlatformConfig } from '@tracking/config';
import { IsUrl } from 'class-validator';

export class OrderIntakeConfig extends PlatformConfig {
  override SERVICE_NAME = 'order-intake';
  override PORT = 3001;

  /** Buyers' tracking links are this base plus the order's tracking token. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_TRACKING_BASE_URL = 'http://localhost:3006/t';
}
