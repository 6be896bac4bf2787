export { MOST_POPULOUS_ZONES, PREDOMINANT_ZONES } from './country-zones';
export { REGION_ZONES, regionTimeZone, type RegionTable } from './region-zones';
export { candidateTimeZones, timeZoneOf, type Place } from './time-zones';
