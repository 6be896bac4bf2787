/**
 * `npm run token -- --merchant <id>` | `--fulfillment-center <id>` [`--expires-in 7d`]: prints a
 * bearer token and nothing else, so it can be captured (`TOKEN=$(npm run -s token -- ...)`).
 * Signs with AUTH_PRIVATE_KEY (PEM) when set, otherwise with the embedded system's dev key pair,
 * the one `npm start` gives its services. Issuer and audience follow AUTH_ISSUER/AUTH_AUDIENCE
 * so the token matches services configured with them.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrCreateDevKeyPair, mintToken, type TenantPrincipal } from '@tracking/auth';

const USAGE =
  'usage: npm run -s token -- (--merchant <id> | --fulfillment-center <id>) [--expires-in 30d] [--issuer <iss>] [--audience <aud>]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function principalFrom(values: { merchant?: string; 'fulfillment-center'?: string }): TenantPrincipal {
  const { merchant, 'fulfillment-center': centre } = values;
  if ((merchant === undefined) === (centre === undefined))
    fail('give exactly one of --merchant or --fulfillment-center');
  return merchant !== undefined
    ? { kind: 'merchant', id: merchant }
    : { kind: 'fulfillment_center', id: centre! };
}

function signingKey(): string {
  const configured = process.env.AUTH_PRIVATE_KEY;
  // Kubernetes secrets and .env files often carry PEMs with escaped newlines.
  if (configured) return configured.replace(/\\n/g, '\n');
  const dataDir = path.resolve(__dirname, '..', process.env.DATA_DIR ?? '.data');
  return loadOrCreateDevKeyPair(path.join(dataDir, 'auth')).privateKeyPem;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        merchant: { type: 'string' },
        'fulfillment-center': { type: 'string' },
        'expires-in': { type: 'string' },
        issuer: { type: 'string' },
        audience: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error: unknown) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const token = await mintToken(principalFrom(values), signingKey(), {
    expiresIn: values['expires-in'],
    issuer: values.issuer ?? process.env.AUTH_ISSUER,
    audience: values.audience ?? process.env.AUTH_AUDIENCE,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
