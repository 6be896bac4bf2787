/**
 * Countries whose own zones keep different clocks but where one zone holds nearly everyone, so a
 * place there with no known region is read in it, a carrier scan included: China (Urumqi time is
 * unofficial), Spain (the Canaries), Portugal (Azores, Madeira), New Zealand (Chatham), Chile
 * (Easter Island, Magallanes), Ecuador (Galápagos), Ukraine (Crimea), Kazakhstan, Mongolia,
 * Greenland (Nuuk; the others are a settlement, a weather station and an air base), Kiribati
 * (the Gilbert Islands), French Polynesia (Tahiti and the Society Islands) and Papua New Guinea
 * (all but Bougainville).
 */
export const PREDOMINANT_ZONES: Readonly<Record<string, string>> = {
  CN: 'Asia/Shanghai',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  NZ: 'Pacific/Auckland',
  CL: 'America/Santiago',
  EC: 'America/Guayaquil',
  UA: 'Europe/Kyiv',
  KZ: 'Asia/Almaty',
  MN: 'Asia/Ulaanbaatar',
  GL: 'America/Nuuk',
  KI: 'Pacific/Tarawa',
  PF: 'Pacific/Tahiti',
  PG: 'Pacific/Port_Moresby',
};

/**
 * The zone most of a multi-zone country's people live in: the predominant zones above, and the
 * countries split across large populations. For these a person's zone is a best guess (an hour
 * off at most for most of them), which is good enough to choose when to send a message or how
 * to print a time, but a carrier scan there is not read without its region. Argentina's zones
 * differ only in their history.
 */
export const MOST_POPULOUS_ZONES: Readonly<Record<string, string>> = {
  ...PREDOMINANT_ZONES,
  US: 'America/New_York',
  CA: 'America/Toronto',
  AU: 'Australia/Sydney',
  BR: 'America/Sao_Paulo',
  RU: 'Europe/Moscow',
  MX: 'America/Mexico_City',
  ID: 'Asia/Jakarta',
  AR: 'America/Argentina/Buenos_Aires',
};
