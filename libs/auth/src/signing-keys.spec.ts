import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  generateSigningKeyPair,
  loadOrCreateDevKeyPair,
  mintToken,
  signingAlgorithmFor,
} from './signing-keys';

describe('dev signing keys', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tracking-auth-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the same key pair across restarts, readable by the owner only', () => {
    const keyDir = path.join(dir, 'auth');
    const first = loadOrCreateDevKeyPair(keyDir);
    const second = loadOrCreateDevKeyPair(keyDir);
    expect(second).toEqual(first);
    expect(statSync(path.join(keyDir, 'private.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(keyDir, 'public.pem')).mode & 0o777).toBe(0o600);
    expect(signingAlgorithmFor(createPublicKey(first.publicKeyPem))).toBe('ES256');
  });

  it('gives services starting at the same moment one shared key', async () => {
    const keyDir = path.join(dir, 'auth');
    const script = `process.stdout.write(require(${JSON.stringify(path.join(__dirname, 'signing-keys.ts'))}).loadOrCreateDevKeyPair(${JSON.stringify(keyDir)}).publicKeyPem)`;
    const run = (): Promise<string> =>
      promisify(execFile)(process.execPath, ['-r', '@swc-node/register', '-e', script], {
        cwd: path.resolve(__dirname, '../../..'),
      }).then(({ stdout }) => stdout);
    const publicKeys = await Promise.all([run(), run(), run(), run()]);
    expect(new Set(publicKeys).size).toBe(1);
    expect(loadOrCreateDevKeyPair(keyDir).publicKeyPem).toBe(publicKeys[0]);
  });
});

describe('mintToken', () => {
  it('signs ES256 tenant claims with a 30-day default lifetime', async () => {
    const { privateKeyPem } = await generateSigningKeyPair();
    const token = await mintToken({ kind: 'fulfillment_center', id: 'fc-leeds' }, privateKeyPem);
    const claims = decodeJwt(token);
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
    expect(claims).toMatchObject({
      tenant_kind: 'fulfillment_center',
      tenant_id: 'fc-leeds',
      sub: 'fulfillment_center:fc-leeds',
    });
    expect(claims.exp! - claims.iat!).toBe(30 * 24 * 3600);
  });

  it('refuses to mint for an unknown kind or an unprintable id', async () => {
    const { privateKeyPem } = await generateSigningKeyPair();
    await expect(mintToken({ kind: 'buyer' as 'merchant', id: 'x' }, privateKeyPem)).rejects.toThrow(
      /unknown tenant kind/,
    );
    await expect(mintToken({ kind: 'merchant', id: 'a b\n' }, privateKeyPem)).rejects.toThrow(/tenant id/);
  });
});
