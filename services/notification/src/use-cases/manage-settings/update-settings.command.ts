import type { SettingsRequest } from '../../api/dto/settings.request';

export interface UpdateSettingsCommand {
  merchantId: string;
  /** Shape-checked by the HTTP edge; the use case checks what needs the domain (zones, templates). */
  request: SettingsRequest;
}
