import { ValidationFailedError } from '@tracking/errors';
import { CsvError, parse } from 'csv-parse/sync';

/**
 * The CSV layout fulfillment centres export from their spreadsheets (README, "Production
 * events as CSV"). One row per event; a PACKED event with several parcels takes one row per
 * parcel with the same event_id. Headers are matched without regard to case, spaces or dashes.
 */
export const PRODUCTION_CSV_COLUMNS = [
  'order_id',
  'event_id',
  'type',
  'occurred_at',
  'facility',
  'station',
  'operator',
  'note',
  'reason',
  'carrier',
  'tracking_number',
  'service_level',
  'package_count',
  'weight_grams',
] as const;

type Column = (typeof PRODUCTION_CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly Column[] = ['order_id', 'event_id', 'type', 'occurred_at'];
const EVENT_COLUMNS: readonly Column[] = [
  'order_id',
  'event_id',
  'occurred_at',
  'facility',
  'station',
  'operator',
  'note',
  'reason',
];
const SHIPMENT_COLUMNS: readonly Column[] = [
  'carrier',
  'tracking_number',
  'service_level',
  'package_count',
  'weight_grams',
];
const INTEGER_COLUMNS: ReadonlySet<Column> = new Set(['package_count', 'weight_grams']);

export interface CsvEvent {
  /** 1-based line numbers of the rows the event came from, for the centre to find them. */
  lines: number[];
  /** The event in the JSON shape, for the same validation as a JSON batch. */
  event: Record<string, unknown>;
}

function columnName(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function camelCase(column: string): string {
  return column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Numbers stay strings when they are not plain integers, so validation names the field. */
function cellValue(column: Column, value: string): number | string {
  return INTEGER_COLUMNS.has(column) && /^\d+$/.test(value) ? Number(value) : value;
}

const CSV_MISTAKES: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted cell; quote the whole cell and double the quotes in it',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by something other than a comma or a line end',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    'a closing quote is followed by something other than a comma or a line end',
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'the row does not have as many cells as the header',
};

/**
 * csv-parse's messages quote the offending cell, which may be an operator's name or a note: the
 * reason says what is wrong and where, from the error's code and line, never what was sent.
 */
function unreadableCsv(error: unknown): ValidationFailedError {
  const known = error instanceof CsvError ? CSV_MISTAKES[error.code] : undefined;
  const line = error instanceof CsvError ? (error as CsvError & { lines?: number }).lines : undefined;
  const where = typeof line === 'number' ? ` (line ${line})` : '';
  return new ValidationFailedError(`The CSV could not be read${where}`, [
    { field: '$', reason: `${known ?? 'not valid CSV (RFC 4180)'}${where}` },
  ]);
}

export function parseProductionCsv(text: string): CsvEvent[] {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw unreadableCsv(error);
  }
  const [header, ...records] = rows;
  if (!header) throw new ValidationFailedError('The CSV is empty', [{ field: '$', reason: 'no header row' }]);
  const columns = header.map(columnName);
  const unknown = columns.filter((column) => !(PRODUCTION_CSV_COLUMNS as readonly string[]).includes(column));
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  if (unknown.length > 0 || missing.length > 0) {
    throw new ValidationFailedError('The CSV header does not match the documented columns', [
      ...unknown.map((column) => ({
        field: column,
        reason: `unknown column; the columns are ${PRODUCTION_CSV_COLUMNS.join(', ')}`,
      })),
      ...missing.map((column) => ({ field: column, reason: 'required column is missing' })),
    ]);
  }

  const events: CsvEvent[] = [];
  const packedByEventId = new Map<string, CsvEvent>();
  records.forEach((record, index) => {
    const line = index + 2;
    const cells = new Map<Column, string>();
    columns.forEach((column, position) => {
      const value = record[position] ?? '';
      if (value !== '') cells.set(column as Column, value);
    });
    const pick = (wanted: readonly Column[]) =>
      Object.fromEntries(
        wanted
          .filter((column) => cells.has(column))
          .map((column) => [camelCase(column), cellValue(column, cells.get(column)!)]),
      );
    const type = cells.get('type')?.toUpperCase();
    const eventId = cells.get('event_id');

    const packed = type === 'PACKED' && eventId ? packedByEventId.get(eventId) : undefined;
    if (packed) {
      packed.lines.push(line);
      (packed.event.shipments as unknown[]).push(pick(SHIPMENT_COLUMNS));
      return;
    }
    const event: Record<string, unknown> = pick(EVENT_COLUMNS);
    if (type !== undefined) event.type = type;
    if (type === 'PACKED') {
      const shipment = pick(SHIPMENT_COLUMNS);
      event.shipments = Object.keys(shipment).length > 0 ? [shipment] : [];
    } else if (type === 'LABEL_VOIDED' && cells.has('tracking_number')) {
      event.trackingNumber = cells.get('tracking_number');
    }
    const parsed = { lines: [line], event };
    if (type === 'PACKED' && eventId) packedByEventId.set(eventId, parsed);
    events.push(parsed);
  });
  return events;
}
