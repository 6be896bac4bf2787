import { ValidationFailedError } from '@tracking/errors';
import { parseProductionCsv } from './production-events-csv';

const HEADER = 'order_id,event_id,type,occurred_at,operator';

function refusalOf(csv: string): ValidationFailedError {
  try {
    parseProductionCsv(csv);
  } catch (error) {
    if (error instanceof ValidationFailedError) return error;
    throw error;
  }
  throw new Error('the CSV was accepted');
}

describe('a production CSV that cannot be read', () => {
  it.each([
    [
      'a quote inside an unquoted cell',
      `${HEADER}\no-1,e-1,PACKED,2026-12-01T09:00:00Z,Ann "the packer" Lee\n`,
      2,
    ],
    ['a quoted cell never closed', `${HEADER}\no-1,e-1,PACKED,2026-12-01T09:00:00Z,"Ann Lee\n`, 2],
    ['a row longer than the header', `${HEADER}\no-1,e-1,PACKED,2026-12-01T09:00:00Z,Ann Lee,extra\n`, 2],
  ])('is refused with the line and the mistake, not the cell, for %s', (_case, csv, line) => {
    const refusal = refusalOf(csv);
    expect(refusal.violations).toHaveLength(1);
    expect(refusal.violations[0]!.field).toBe('$');
    expect(refusal.violations[0]!.reason).toContain(`line ${line}`);
    expect(JSON.stringify(refusal.violations)).not.toMatch(/Ann|extra/);
  });
});
