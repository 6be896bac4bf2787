import { TrackingError } from '@tracking/errors';

export interface CarrierSettings {
  id: string;
  /** Verifies its webhooks; without one, its webhooks are refused. */
  webhookSecret?: string;
  polling: boolean;
  apiBaseUrl?: string;
  apiKey?: string;
  /** Requests per second to its API, across this replica. */
  rateLimitPerSecond: number;
}

export const CARRIER_SETTINGS = Symbol('CARRIER_SETTINGS');

function variable(id: string, name: string): string {
  return `CARRIER_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${name}`;
}

/**
 * Reads `CARRIER_<ID>_WEBHOOK_SECRET`, `_POLLING`, `_API_BASE_URL`, `_API_KEY` and
 * `_RATE_LIMIT_PER_SECOND` for every adapter, and stops the service naming each bad variable.
 */
export function loadCarrierSettings(
  adapterIds: readonly string[],
  env: Readonly<Record<string, unknown>>,
  pollable: ReadonlySet<string>,
): Map<string, CarrierSettings> {
  const problems: string[] = [];
  const settings = new Map<string, CarrierSettings>();
  const read = (name: string): string | undefined => {
    const value = env[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  for (const id of adapterIds) {
    const pollingName = variable(id, 'POLLING');
    const pollingText = read(pollingName)?.toLowerCase();
    if (pollingText !== undefined && !['true', 'false', '1', '0'].includes(pollingText)) {
      problems.push(`${pollingName} must be true or false`);
    }
    const polling = pollingText === 'true' || pollingText === '1';
    const baseUrlName = variable(id, 'API_BASE_URL');
    const apiBaseUrl = read(baseUrlName);
    if (polling && !pollable.has(id)) problems.push(`${pollingName}: ${id} cannot be polled, it only pushes`);
    if (polling && !apiBaseUrl) problems.push(`${baseUrlName} is required when ${pollingName} is true`);
    if (apiBaseUrl && !/^https?:\/\/[^\s]+$/.test(apiBaseUrl))
      problems.push(`${baseUrlName} must be an http(s) URL`);
    const rateName = variable(id, 'RATE_LIMIT_PER_SECOND');
    const rateText = read(rateName);
    const rateLimitPerSecond = rateText === undefined ? 5 : Number(rateText);
    if (!Number.isFinite(rateLimitPerSecond) || rateLimitPerSecond <= 0) {
      problems.push(`${rateName} must be a positive number`);
    }
    const webhookSecret = read(variable(id, 'WEBHOOK_SECRET'));
    const apiKey = read(variable(id, 'API_KEY'));
    // Every carrier's tracking API wants a key or an access token.
    if (polling && !apiKey)
      problems.push(`${variable(id, 'API_KEY')} is required when ${pollingName} is true`);
    settings.set(id, {
      id,
      polling,
      rateLimitPerSecond,
      ...(webhookSecret ? { webhookSecret } : {}),
      ...(apiBaseUrl ? { apiBaseUrl: apiBaseUrl.replace(/\/+$/, '') } : {}),
      ...(apiKey ? { apiKey } : {}),
    });
  }
  if (problems.length > 0) {
    throw new TrackingError(
      'CONFIG_INVALID',
      `invalid carrier configuration:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return settings;
}
