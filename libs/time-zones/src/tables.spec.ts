import { getAllCountries, getCountry, getTimezone } from 'countries-and-timezones';
import { MOST_POPULOUS_ZONES, PREDOMINANT_ZONES } from './country-zones';
import { REGION_ZONES, regionTimeZone } from './region-zones';

function runtimeKnows(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const countriesOf = (zone: string): readonly string[] => getTimezone(zone)?.countries ?? [];
const zonesOf = (country: string): readonly string[] => getCountry(country)?.timezones ?? [];

const US_TERRITORIES = ['PR', 'VI', 'GU', 'AS', 'MP'];

describe('the region tables', () => {
  it('reads each region in a zone of its country (or of the territory itself) that the runtime knows', () => {
    const misplaced = Object.entries(REGION_ZONES).flatMap(([country, table]) =>
      Object.entries(table.zones)
        .filter(([region, zone]) => {
          // The US territories USPS and UPS report as states are ISO countries of their own in tzdb.
          const owner = country === 'US' && US_TERRITORIES.includes(region) ? region : country;
          return !countriesOf(zone).includes(owner) || !runtimeKnows(zone);
        })
        .map(([region, zone]) => `${country} ${region} ${zone}`),
    );
    expect(misplaced).toEqual([]);
  });

  it('names only regions the table has, in the form lookups are made', () => {
    const stray = Object.entries(REGION_ZONES).flatMap(([country, table]) =>
      Object.entries(table.names ?? {})
        .filter(([name, code]) => !Object.hasOwn(table.zones, code) || name !== name.trim().toUpperCase())
        .map(([name]) => `${country} ${name}`),
    );
    expect(stray).toEqual([]);
  });

  it('has every US state and DC, every Canadian province and territory, every Australian and Brazilian state', () => {
    expect(Object.keys(REGION_ZONES.US!.zones)).toHaveLength(51 + 5);
    expect(Object.keys(REGION_ZONES.CA!.zones)).toHaveLength(13);
    expect(Object.keys(REGION_ZONES.AU!.zones)).toHaveLength(8);
    expect(Object.keys(REGION_ZONES.BR!.zones)).toHaveLength(27);
  });

  it('does not read the object prototype as a table', () => {
    expect(regionTimeZone('US', 'constructor')).toBeUndefined();
    expect(regionTimeZone('constructor', 'NY')).toBeUndefined();
    expect(regionTimeZone('__proto__', 'NY')).toBeUndefined();
  });
});

describe('the country tables', () => {
  it('reads each multi-zone country in one of its own zones that the runtime knows', () => {
    const misplaced = Object.entries(MOST_POPULOUS_ZONES)
      .filter(
        ([country, zone]) =>
          !zonesOf(country).includes(zone) || countriesOf(zone)[0] !== country || !runtimeKnows(zone),
      )
      .map(([country, zone]) => `${country} ${zone}`);
    expect(misplaced).toEqual([]);
  });

  it('keeps every predominant zone among the most populous ones', () => {
    expect(MOST_POPULOUS_ZONES).toEqual(expect.objectContaining(PREDOMINANT_ZONES));
  });

  it('has a zone for every country whose own zones keep different clocks, Antarctica aside', () => {
    const clocks = (zone: string) => {
      const { utcOffset, dstOffset } = getTimezone(zone)!;
      return `${utcOffset}/${dstOffset}`;
    };
    const split = Object.values(getAllCountries())
      .filter((country) => country.id !== 'AQ')
      .filter((country) => {
        const own = country.timezones.filter((zone) => getTimezone(zone)?.countries[0] === country.id);
        return new Set(own.map(clocks)).size > 1;
      })
      .map((country) => country.id);
    expect(split.filter((country) => !Object.hasOwn(MOST_POPULOUS_ZONES, country))).toEqual([]);
  });
});
