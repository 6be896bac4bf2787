import { TrackingError } from '@tracking/errors';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export type ConfigClass<T> = new () => T;

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => {
    const reasons = Object.values(error.constraints ?? {});
    const value = error.value === undefined ? 'not set' : 'invalid';
    return [`${error.property} (${value}): ${reasons.join('; ')}`, ...describe(error.children ?? [])];
  });
}

/**
 * Reads, converts and validates configuration once, at start. A missing or malformed
 * variable stops the service with a message naming each bad variable, instead of a
 * failure deep inside a request hours later.
 */
export function loadConfig<T extends object>(
  configClass: ConfigClass<T>,
  env: Record<string, string | undefined> = process.env,
  defaults: Partial<Record<string, string>> = {},
): T {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...defaults, ...env })) {
    // An empty variable means "unset", as it does in Kubernetes manifests and .env files.
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const instance = plainToInstance(configClass, merged, { exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = describe(errors);
    throw new TrackingError('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      details: { variables: errors.map((error) => error.property) },
    });
  }
  return instance;
}
