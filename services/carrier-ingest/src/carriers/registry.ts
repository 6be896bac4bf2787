import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CarrierAdapter } from './carrier-adapter';

/**
 * Every carrier adapter, discovered from this directory: each subfolder whose `adapter` module
 * exports `adapter` is one carrier, so adding a carrier is adding a folder. The module is found
 * as adapter.ts when running from sources (jest, @swc-node/register) and as adapter.js from the
 * SWC build in dist/; `require` resolves either. A folder without an adapter module (fixtures,
 * helpers) is skipped; a folder whose module does not export a usable adapter, or two adapters
 * with one id, fail loudly at startup rather than dropping a carrier silently.
 */

const ADAPTER_MODULE = /^adapter\.(ts|js|cjs|mjs)$/;

function isCarrierAdapter(value: unknown): value is CarrierAdapter {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<CarrierAdapter>;
  return (
    typeof candidate.id === 'string' &&
    typeof candidate.displayName === 'string' &&
    typeof candidate.webhookScheme === 'string' &&
    typeof candidate.verifyWebhook === 'function' &&
    typeof candidate.parseWebhook === 'function'
  );
}

/** Loads the adapters in `directory` (this one by default), sorted by folder name. */
export function discoverCarrierAdapters(directory: string = __dirname): ReadonlyMap<string, CarrierAdapter> {
  const adapters = new Map<string, CarrierAdapter>();
  const folders = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const folder of folders) {
    const hasModule = readdirSync(join(directory, folder)).some(
      (file) => ADAPTER_MODULE.test(file) && !file.endsWith('.d.ts'),
    );
    if (!hasModule) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- discovery is by folder name
    const loaded: unknown = require(join(directory, folder, 'adapter'));
    const adapter = (loaded as { adapter?: unknown } | null)?.adapter;
    if (!isCarrierAdapter(adapter)) {
      throw new Error(`carriers/${folder}/adapter does not export a CarrierAdapter named "adapter"`);
    }
    if (adapter.id !== folder) {
      throw new Error(
        `carriers/${folder}/adapter has id "${adapter.id}": an adapter's id is its folder name`,
      );
    }
    if (adapters.has(adapter.id)) throw new Error(`two carrier adapters have the id "${adapter.id}"`);
    adapters.set(adapter.id, adapter);
  }
  return adapters;
}

let cached: ReadonlyMap<string, CarrierAdapter> | undefined;

/** The adapters of this service, keyed by id (ups, usps, fedex, dhl, aggregator, …). */
export function carrierAdapters(): ReadonlyMap<string, CarrierAdapter> {
  cached ??= discoverCarrierAdapters();
  return cached;
}
