/**
 * Test support for the adapter specs: fixture loading, signed webhook requests and the checks
 * every adapter's webhook verification and mapping table must pass. Not used at run time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCanonicalState, isReasonCode } from '@tracking/events';
import type { CarrierAdapter, NormalizedScan, TrackingReport, WebhookRequest } from './carrier-adapter';
import type { StatusTable } from './carrier-status';
import { signTimestampedBody, TRACKING_SIGNATURE_HEADER } from './webhook-signature';

/** A fixture's raw text, from `<adapterDir>/fixtures/<name>`. */
export function fixture(adapterDir: string, name: string): string {
  return readFileSync(join(adapterDir, 'fixtures', name), 'utf8');
}

/** A webhook request signed with the platform's timestamped scheme at `at`. */
export function timestampedRequest(body: string | Buffer, secret: string, at: Date): WebhookRequest {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    rawBody,
    headers: {
      'content-type': 'application/json',
      [TRACKING_SIGNATURE_HEADER]: signTimestampedBody(secret, rawBody, Math.floor(at.getTime() / 1_000)),
    },
  };
}

/** Defines the verification cases of an adapter that uses the timestamped scheme. */
export function itVerifiesTimestampedWebhooks(adapter: CarrierAdapter, body: string): void {
  const secret = 'whsec_test_0123456789';
  const now = new Date('2026-03-01T12:00:00Z');

  it('accepts a body signed with the secret, keyed for replay by its signature', () => {
    const verification = adapter.verifyWebhook(timestampedRequest(body, secret, now), secret, now);
    expect(verification).toEqual({ valid: true, replayKey: expect.stringMatching(/^v1:[0-9a-f]{64}$/) });
  });

  it('rejects a signature made with another secret', () => {
    const verification = adapter.verifyWebhook(timestampedRequest(body, 'another-secret', now), secret, now);
    expect(verification).toEqual({ valid: false, reason: 'signature does not match the body' });
  });

  it('rejects a body changed after signing', () => {
    const signed = timestampedRequest(body, secret, now);
    const tampered = {
      ...signed,
      rawBody: Buffer.from(body.replace(/\d/, (d) => String((Number(d) + 1) % 10))),
    };
    expect(adapter.verifyWebhook(tampered, secret, now)).toEqual({
      valid: false,
      reason: 'signature does not match the body',
    });
  });

  it('rejects a signature older than the tolerance (a replay)', () => {
    const tenMinutesAgo = new Date(now.getTime() - 600_000);
    const verification = adapter.verifyWebhook(timestampedRequest(body, secret, tenMinutesAgo), secret, now);
    expect(verification).toMatchObject({ valid: false, reason: expect.stringContaining('from now') });
  });

  it('rejects a request without the signature header', () => {
    const unsigned: WebhookRequest = {
      rawBody: Buffer.from(body),
      headers: { 'content-type': 'application/json' },
    };
    expect(adapter.verifyWebhook(unsigned, secret, now)).toEqual({
      valid: false,
      reason: `missing ${TRACKING_SIGNATURE_HEADER} header`,
    });
  });
}

/** Every entry of a mapping table names a canonical state and, if any, a canonical reason. */
export function expectCanonicalTable(table: StatusTable): void {
  const entries = Object.entries(table);
  expect(entries.length).toBeGreaterThan(0);
  for (const [code, mapping] of entries) {
    expect({ code, state: isCanonicalState(mapping.state) }).toEqual({ code, state: true });
    if (mapping.reason !== undefined)
      expect({ code, reason: isReasonCode(mapping.reason) }).toEqual({ code, reason: true });
  }
}

/** The scans of a report as [rawCode, state, reason] rows, for compact expectations. */
export function stateRows(
  report: TrackingReport | NormalizedScan[],
): Array<[string, string, string | undefined]> {
  const scans = Array.isArray(report) ? report : report.scans;
  return scans.map((scan) => [scan.rawCode, scan.state, scan.reason]);
}

/** Every scan satisfies the contract's invariants (normalized number, UTC instant, raw text kept). */
export function expectWellFormedScans(scans: readonly NormalizedScan[]): void {
  for (const scan of scans) {
    expect(scan.trackingNumber).toMatch(/^[0-9A-Z]+$/);
    expect(scan.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    expect(scan.occurredAtText.length).toBeGreaterThan(0);
    // Empty only when the carrier gives no code at all (some USPS international scans).
    expect(typeof scan.rawCode).toBe('string');
    expect(typeof scan.rawDescription).toBe('string');
    if (scan.location?.countryCode !== undefined) expect(scan.location.countryCode).toMatch(/^[A-Z]{2}$/);
  }
}
