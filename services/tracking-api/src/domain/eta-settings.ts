import type { TransitTime } from './delivery-estimate';

export const ETA_SETTINGS = Symbol('ETA_SETTINGS');

export interface EtaSettings {
  productionDays: number;
  productionDaysByCentre: Readonly<Record<string, number>>;
  transitTable: readonly TransitTime[];
}
