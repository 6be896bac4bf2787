import { sleep } from '../../bench/lib/stats';
import type { Delivery, Journey } from './journeys';
import type { CaughtMail } from './mail-catcher';
import { STEP_STATES } from './journeys';
import { EMAIL_FROM, type SoakSystem } from './system';

/** The parts of tracking-api's public view the soak checks (services/tracking-api, PublicView). */
interface BuyerView {
  status: { state: string };
  shipments: Array<{ shipmentId: string }>;
  history: Array<{
    eventId: string;
    occurredAt: string;
    state: string;
    source: string;
    shipmentId: string | null;
  }>;
}

/** The parts of notification's delivery log the soak checks (GET /v1/notifications?orderId=). */
interface DeliveryLog {
  notifications: Array<{
    kind: string;
    status: string;
    deliveries: Array<{ deliveryId: string; channel: string; status: string; lastError: string | null }>;
  }>;
}

export interface FlowRow {
  flow: string;
  sent: number;
  attempts: number;
  retried: number;
  accepted: number;
  refused: number;
  gaveUp: number;
  visible: number;
  notified: number;
  lost: number;
  duplicated: number;
  /** Columns that mean nothing for this flow, printed as a dash. */
  notApplicable?: ReadonlyArray<keyof FlowRow>;
}

interface Finding {
  flow: string;
  text: string;
  /** Asks the services where the lost thing stopped. */
  locate?: () => Promise<string>;
}

export interface Tally {
  rows: FlowRow[];
  /** Of the journeys whose delivered scan was accepted, how many the buyer sees as DELIVERED. */
  deliveredToBuyer: { expected: number; shown: number };
  /** The first few lost or duplicated things of each flow, to start looking from. */
  findings: Finding[];
  drainedInS: number;
  drained: boolean;
}

const CONCURRENCY = 8;

async function forEachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T | undefined> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return undefined;
    return (await response.json()) as T;
  } catch {
    return undefined;
  }
}

const sameInstant = (a: string, b: string): boolean => Date.parse(a) === Date.parse(b);

/** The Message-ID notification gives an email: the delivery's id (channels/email). */
const messageIdOf = (deliveryId: string): string => `<${deliveryId}@${EMAIL_FROM.split('@')[1]}>`;

interface Observed {
  view?: BuyerView;
  log?: DeliveryLog;
}

/** History entries that stand for one thing the soak sent, by canonical state, source and instant. */
function matches(view: BuyerView | undefined, source: string, state: string, occurredAt: string): number {
  if (!view) return 0;
  return view.history.filter(
    (entry) =>
      entry.source === source &&
      entry.state === state &&
      sameInstant(entry.occurredAt, occurredAt) &&
      // shipment.registered is shown as PACKED at the step's instant too, but names its parcel.
      (source !== 'production' || entry.shipmentId === null),
  ).length;
}

function deliveredScanAccepted(journey: Journey): boolean {
  const last = journey.scans.find((scan) => scan.plan.state === 'DELIVERED');
  return last?.outcome === 'accepted';
}

function emailDeliveries(log: DeliveryLog | undefined) {
  return (log?.notifications ?? []).flatMap((notification) =>
    notification.deliveries
      .filter((delivery) => delivery.channel.toLowerCase() === 'email')
      .map((delivery) => ({ ...delivery, kind: notification.kind })),
  );
}

function mailsOf(system: SoakSystem, journey: Journey): CaughtMail[] {
  return system.sink.to(journey.email);
}

/** Everything accepted for the journey is on the buyer's page, and the delivered email arrived. */
function complete(system: SoakSystem, journey: Journey, observed: Observed): boolean {
  const { view } = observed;
  if (!view) return false;
  for (const step of journey.steps)
    if (
      step.outcome === 'accepted' &&
      matches(view, 'production', STEP_STATES[step.type], step.occurredAt) === 0
    )
      return false;
  for (const scan of journey.scans)
    if (scan.outcome === 'accepted' && matches(view, 'carrier', scan.plan.state, scan.occurredAt) === 0)
      return false;
  if (!deliveredScanAccepted(journey)) return true;
  if (view.status.state !== 'DELIVERED') return false;
  const delivered = emailDeliveries(observed.log).find((delivery) => delivery.kind === 'delivered');
  if (!delivered || delivered.status !== 'SENT') return false;
  const ids = new Set(mailsOf(system, journey).map((mail) => mail.messageId));
  return ids.has(messageIdOf(delivered.deliveryId));
}

/**
 * Waits, up to `timeoutMs`, until every accepted order shows the buyer everything accepted for
 * it and its delivered email has arrived; then reads each order's view and delivery log once
 * more and counts.
 */
export async function tallyJourneys(
  system: SoakSystem,
  journeys: readonly Journey[],
  timeoutMs: number,
  log: (line: string) => void,
): Promise<Tally> {
  const tracking = system.services['tracking-api'].baseUrl;
  const notification = system.services.notification.baseUrl;
  const merchant = { authorization: `Bearer ${system.merchantToken}` };
  const observed = new Map<Journey, Observed>();
  const observe = async (journey: Journey): Promise<void> => {
    const view = await getJson<BuyerView>(`${tracking}/v1/track/${journey.token}`);
    const deliveryLog = await getJson<DeliveryLog>(
      `${notification}/v1/notifications?orderId=${journey.orderId}`,
      merchant,
    );
    observed.set(journey, {
      ...(view ? { view } : {}),
      ...(deliveryLog ? { log: deliveryLog } : {}),
    });
  };

  const placed = journeys.filter((journey) => journey.order.outcome === 'accepted' && journey.token);
  const startedAt = Date.now();
  let pending = placed;
  for (;;) {
    await forEachLimited(pending, observe);
    pending = pending.filter((journey) => !complete(system, journey, observed.get(journey)!));
    if (pending.length === 0 || Date.now() - startedAt > timeoutMs) break;
    log(`  waiting for ${pending.length} of ${placed.length} orders to show everything to the buyer`);
    await sleep(3_000);
  }
  const drainedInS = Math.round((Date.now() - startedAt) / 1_000);
  // A last look at every order: a duplicate can appear after an order first looked complete.
  await forEachLimited(placed, observe);
  const drained = placed.every((journey) => complete(system, journey, observed.get(journey)!));
  return count(system, journeys, observed, { drained, drainedInS });
}

function deliveryRow(flow: string, records: readonly Delivery[]): FlowRow {
  const sent = records.filter((record) => record.attempts > 0);
  return {
    flow,
    sent: sent.length,
    attempts: sent.reduce((sum, record) => sum + record.attempts, 0),
    retried: sent.filter((record) => record.retried > 0).length,
    accepted: sent.filter((record) => record.outcome === 'accepted').length,
    refused: sent.filter((record) => record.outcome === 'refused').length,
    gaveUp: sent.filter((record) => record.outcome === 'gave-up').length,
    visible: 0,
    notified: 0,
    lost: 0,
    duplicated: 0,
    ...(flow.startsWith('production') ? { notApplicable: ['notified'] as const } : {}),
  };
}

function count(
  system: SoakSystem,
  journeys: readonly Journey[],
  observed: Map<Journey, Observed>,
  drain: { drained: boolean; drainedInS: number },
): Tally {
  const findings: Finding[] = [];
  const note = (row: FlowRow, text: string, locate?: () => Promise<string>): void => {
    if (findings.filter((finding) => finding.flow === row.flow).length < 10)
      findings.push({ flow: row.flow, text, ...(locate ? { locate } : {}) });
  };
  const production = system.services['production-status'].baseUrl;
  const carriers = system.services['carrier-ingest'].baseUrl;
  const centre = { authorization: `Bearer ${system.centreToken}` };
  const merchant = { authorization: `Bearer ${system.merchantToken}` };
  // Where a lost step stopped: production-status stored it (then the way to tracking-api lost it) or not.
  const locateStep = (orderId: string, eventId: string) => async (): Promise<string> => {
    const timeline = await getJson<{ steps: Array<{ eventId: string }> }>(
      `${production}/v1/orders/${orderId}/production`,
      centre,
    );
    if (!timeline) return 'production-status does not show the order';
    return timeline.steps.some((step) => step.eventId === eventId)
      ? 'production-status has the step'
      : 'production-status does not have the step';
  };
  const locateScan = (view: BuyerView | undefined, occurredAt: string) => async (): Promise<string> => {
    const shipmentId = view?.shipments[0]?.shipmentId;
    if (!shipmentId) return 'tracking-api shows no shipment for the order';
    const shipment = await getJson<{ scans: Array<{ occurredAt: string }> }>(
      `${carriers}/v1/shipments/${shipmentId}`,
      merchant,
    );
    if (!shipment) return 'carrier-ingest does not know the shipment';
    return shipment.scans.some((scan) => sameInstant(scan.occurredAt, occurredAt))
      ? 'carrier-ingest has the scan'
      : 'carrier-ingest has the shipment but not the scan';
  };
  const orders = deliveryRow(
    'orders',
    journeys.map((journey) => journey.order),
  );
  const jsonSteps = deliveryRow(
    'production steps (JSON)',
    journeys.filter((journey) => journey.production === 'json').flatMap((journey) => journey.steps),
  );
  const csvSteps = deliveryRow(
    'production steps (CSV)',
    journeys.filter((journey) => journey.production === 'csv').flatMap((journey) => journey.steps),
  );
  const scans = deliveryRow(
    'carrier scans',
    journeys.flatMap((journey) => journey.scans),
  );
  const emails: FlowRow = {
    flow: 'emails to buyers',
    sent: 0,
    attempts: 0,
    retried: 0,
    accepted: 0,
    refused: 0,
    gaveUp: 0,
    visible: 0,
    notified: 0,
    lost: 0,
    duplicated: 0,
    // The soak sends no email itself: they are counted from the delivery log and the SMTP catcher.
    notApplicable: ['attempts', 'retried', 'accepted', 'refused', 'gaveUp', 'visible'],
  };
  const deliveredToBuyer = { expected: 0, shown: 0 };

  for (const journey of journeys) {
    const { view, log } = observed.get(journey) ?? {};
    const who = `order ${journey.index} (${journey.orderId ?? journey.externalOrderId})`;
    if (journey.order.outcome === 'accepted') {
      if (view) orders.visible += 1;
      else {
        orders.lost += 1;
        note(orders, `${who} was accepted but the buyer's link shows nothing`);
      }
      if (journey.order.orderIds.size > 1) {
        orders.duplicated += journey.order.orderIds.size - 1;
        note(
          orders,
          `${who} was created ${journey.order.orderIds.size} times: ${[...journey.order.orderIds]}`,
        );
      }
      if (mailsOf(system, journey).length > 0) orders.notified += 1;
    }
    const stepRow = journey.production === 'json' ? jsonSteps : csvSteps;
    for (const step of journey.steps) {
      if (step.outcome !== 'accepted') continue;
      const found = matches(view, 'production', STEP_STATES[step.type], step.occurredAt);
      if (found > 0) stepRow.visible += 1;
      else {
        stepRow.lost += 1;
        note(
          stepRow,
          `${who} ${step.type} ${step.eventId} accepted, not on the buyer's timeline`,
          locateStep(journey.orderId!, step.eventId),
        );
      }
      if (found > 1) {
        stepRow.duplicated += found - 1;
        note(stepRow, `${who} ${step.type} shown ${found} times`);
      }
    }
    for (const scan of journey.scans) {
      if (scan.outcome !== 'accepted') continue;
      const found = matches(view, 'carrier', scan.plan.state, scan.occurredAt);
      if (found > 0) scans.visible += 1;
      else {
        scans.lost += 1;
        note(
          scans,
          `${who} ${scan.plan.state} scan of ${journey.trackingNumber} accepted, not on the timeline`,
          locateScan(view, scan.occurredAt),
        );
      }
      if (found > 1) {
        scans.duplicated += found - 1;
        note(scans, `${who} ${scan.plan.state} scan shown ${found} times`);
      }
    }
    if (view) {
      // Steps and scans twice are counted above by what they are; the order's own entry only here.
      const received = view.history.filter(
        (entry) => entry.source === 'store' && entry.state === 'ORDER_RECEIVED',
      );
      if (received.length > 1) orders.duplicated += received.length - 1;
      for (const [eventId, times] of tallyOf(view.history.map((entry) => entry.eventId)))
        if (times > 1) note(orders, `${who} timeline holds event ${eventId} ${times} times`);
    }

    // Emails: each delivery the log calls sent must have arrived, once per kind.
    const deliveries = emailDeliveries(log);
    const mails = mailsOf(system, journey);
    const received = tallyOf(mails.map((mail) => mail.messageId ?? ''));
    const kindOfMessage = new Map(
      deliveries.map((delivery) => [messageIdOf(delivery.deliveryId), delivery.kind]),
    );
    for (const delivery of deliveries) {
      if (delivery.status === 'SENT') {
        emails.sent += 1;
        if (!received.has(messageIdOf(delivery.deliveryId))) {
          emails.lost += 1;
          note(emails, `${who} ${delivery.kind} logged as sent, never arrived`);
        }
      } else if (delivery.status === 'DEAD_LETTERED' || delivery.status === 'FAILED') {
        emails.lost += 1;
        note(emails, `${who} ${delivery.kind} ${delivery.status}: ${delivery.lastError ?? ''}`);
      }
    }
    const perKind = tallyOf(mails.map((mail) => kindOfMessage.get(mail.messageId ?? '') ?? 'unlogged'));
    for (const [kind, times] of perKind) {
      emails.notified += 1;
      if (times > 1) {
        emails.duplicated += times - 1;
        note(emails, `${who} got the ${kind} email ${times} times`);
      }
    }
    for (const [messageId, times] of received)
      if (times > 1)
        note(emails, `${who} message ${messageId} arrived ${times} times (resent after a crash?)`);

    if (deliveredScanAccepted(journey)) {
      deliveredToBuyer.expected += 1;
      if (view?.status.state === 'DELIVERED') deliveredToBuyer.shown += 1;
      const told = perKind.has('delivered');
      if (told) scans.notified += 1;
      else if (
        !deliveries.some(
          (delivery) =>
            delivery.kind === 'delivered' && ['DEAD_LETTERED', 'FAILED', 'SENT'].includes(delivery.status),
        )
      ) {
        // Never decided or still pending: the buyer was not told in time. A delivery that failed,
        // or was logged sent and never arrived, is counted above, once.
        emails.lost += 1;
        const states = deliveries
          .filter((delivery) => delivery.kind === 'delivered')
          .map((delivery) => delivery.status);
        note(
          emails,
          `${who} delivered, the buyer was never told (notification's log: ${states.length > 0 ? states.join(', ') : 'no delivered message planned'})`,
        );
      }
    }
  }
  return { rows: [orders, jsonSteps, csvSteps, scans, emails], deliveredToBuyer, findings, ...drain };
}

/** The findings as lines, each lost step or scan with where it stopped. */
export async function describeFindings(findings: readonly Finding[]): Promise<string[]> {
  return Promise.all(
    findings.map(async (finding) => {
      const where = finding.locate ? ` (${await finding.locate()})` : '';
      return `${finding.flow}: ${finding.text}${where}`;
    }),
  );
}

function tallyOf(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

const COLUMNS: ReadonlyArray<[Exclude<keyof FlowRow, 'notApplicable'>, string]> = [
  ['flow', 'flow'],
  ['sent', 'sent'],
  ['attempts', 'attempts'],
  ['retried', 'retried'],
  ['accepted', 'accepted'],
  ['refused', 'refused'],
  ['gaveUp', 'gave up'],
  ['visible', 'visible'],
  ['notified', 'notified'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
];

/** The table as Markdown, so it can be pasted into an issue as it is. */
export function formatTable(rows: readonly FlowRow[]): string {
  const cells = rows.map((row) =>
    COLUMNS.map(([key]) => (row.notApplicable?.includes(key) ? '-' : String(row[key]))),
  );
  const widths = COLUMNS.map(([, title], column) =>
    Math.max(title.length, ...cells.map((line) => line[column]!.length)),
  );
  const line = (values: readonly string[]): string =>
    `| ${values.map((value, column) => (column === 0 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!))).join(' | ')} |`;
  const rule = widths.map((width, column) =>
    column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`,
  );
  return [line(COLUMNS.map(([, title]) => title)), `|${rule.join('|')}|`, ...cells.map(line)].join('\n');
}
