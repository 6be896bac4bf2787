import PDFDocument from 'pdfkit';
import type { EvidenceEntry, EvidencePack, EvidencePlace } from '../domain/evidence-pack';

/** Characters of Windows-1252 beyond Latin-1 that the standard PDF fonts can show. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Letters with a stroke, which Unicode does not decompose into a base letter and a mark. */
const STROKED: Readonly<Record<string, string>> = {
  Đ: 'D',
  đ: 'd',
  Ł: 'L',
  ł: 'l',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
};

function showable(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(char);
}

/**
 * The standard PDF fonts (no font files to ship) show Windows-1252 only: other letters lose
 * their accents ("Đà Nẵng" becomes "Dà Nang": à is in Windows-1252) and anything else becomes "?". The JSON pack is the
 * verbatim record; the PDF is its printout.
 */
export function printableText(text: string): string {
  let shown = '';
  for (const char of text.normalize('NFC')) {
    if (showable(char)) {
      shown += char;
      continue;
    }
    const folded = STROKED[char] ?? char.normalize('NFKD').replace(/\p{M}/gu, '');
    shown += [...folded].every(showable) && folded.length > 0 ? folded : '?';
  }
  return shown;
}

function placeText(place: EvidencePlace | null): string {
  if (!place) return 'not given';
  const named = [place.city, place.region, place.postalCode, place.countryCode].filter(Boolean).join(', ');
  const position =
    place.latitude !== undefined && place.longitude !== undefined
      ? ` (${place.latitude}, ${place.longitude})`
      : '';
  return `${named}${position}` || 'not given';
}

function duration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.round(Math.abs(seconds));
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', minutes ? `${minutes} min` : ''];
  const text = parts.filter(Boolean).join(' ') || `${rest} s`;
  return `${sign}${text}`;
}

const utc = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$|Z$/, ' UTC') : '-');

function sourceText(entry: EvidenceEntry): string {
  const via = entry.source.method ? `, ${entry.source.method.toLowerCase()}` : '';
  return `${entry.source.service}${entry.source.upstream ? ` / ${entry.source.upstream}` : ''}${via}`;
}

/** The pack as a printable document, for a payment provider's or marketplace's dispute form. */
export function renderEvidencePdf(pack: EvidencePack, options: { compress?: boolean } = {}): Promise<Buffer> {
  const { order } = pack;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options.compress ?? true,
    bufferPages: true,
    info: {
      Title: printableText(`Delivery evidence: order ${order.orderNumber}`),
      Subject: `Order ${order.orderId}`,
      CreationDate: new Date(pack.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const heading = (text: string) => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).text(printableText(text)).moveDown(0.3);
    doc.font('Helvetica').fontSize(9.5);
  };
  const line = (text: string, bold = false) =>
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').text(printableText(text), { lineGap: 1 });
  const field = (label: string, value: string | null) => {
    doc.font('Helvetica-Bold').text(`${printableText(label)}: `, { continued: true });
    doc.font('Helvetica').text(printableText(value ?? '-'));
  };

  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .text(printableText(`Delivery evidence: order ${order.orderNumber}`));
  doc.font('Helvetica').fontSize(9.5).moveDown(0.3);
  line(
    `Generated ${utc(pack.generatedAt)} from the tracking platform's record of every event about the order.`,
  );
  line(
    'Each fact shows when it happened by its source (occurred) and when the platform recorded it (recorded). All times UTC.',
  );

  heading('Order');
  field('Order number', order.orderNumber);
  field('Order id', order.orderId);
  field('Merchant', order.merchantId);
  field('Storefront', order.storefrontPlatform);
  field('Placed', utc(order.placedAt));
  field('Received by the platform', utc(order.receivedAt));
  field('Destination', [order.destination.city, order.destination.countryCode].filter(Boolean).join(', '));
  field(
    'Status',
    `${order.status.label}${order.status.reasonLabel ? ` (${order.status.reasonLabel})` : ''} since ${utc(order.status.occurredAt)}`,
  );
  field('Packed', utc(order.packedAt));
  field('First carrier scan', utc(order.firstCarrierScanAt));
  field('Delivered', utc(order.deliveredAt));
  if (order.promisedDeliveryDate) field('Promised delivery date', order.promisedDeliveryDate);
  field('Delivery first estimated by', utc(order.firstEstimatedDeliveryBy));

  heading(`Shipments (${pack.shipments.length})`);
  if (pack.shipments.length === 0) line('No shipment registered.');
  for (const shipment of pack.shipments) {
    line(
      `${shipment.carrier.toUpperCase()} ${shipment.trackingNumber}${shipment.serviceLevel ? `, ${shipment.serviceLevel}` : ''}` +
        `${shipment.voided ? ' (label voided)' : ''}`,
      true,
    );
    line(`Label registered ${utc(shipment.registeredAt)}; status ${shipment.state}`);
    if (shipment.trackingUrl) line(`Carrier tracking page: ${shipment.trackingUrl}`);
  }

  heading('Proof of delivery');
  if (pack.proofOfDelivery.length === 0) line('The carrier gave no proof of delivery.');
  for (const proof of pack.proofOfDelivery) {
    line(
      `Delivered ${utc(proof.deliveredAt)}${proof.trackingNumber ? `, ${proof.carrier ?? ''} ${proof.trackingNumber}` : ''}`,
      true,
    );
    field('Signed by', proof.signedBy);
    field('Left at', proof.leftAt);
    field('Place', placeText(proof.place));
    if (proof.photoUrl) field('Photo', proof.photoUrl);
    if (proof.signatureUrl) field('Signature', proof.signatureUrl);
  }

  heading(`Tracking history (${pack.timeline.length} facts, oldest first)`);
  for (const entry of pack.timeline) {
    doc.moveDown(0.25);
    line(`${utc(entry.occurredAt)}  ${entry.label}${entry.reason ? ` (${entry.reason})` : ''}`, true);
    line(`Place: ${placeText(entry.place)}.  Source: ${sourceText(entry)}`);
    if (entry.trackingNumber || entry.rawCode || entry.rawDescription) {
      const carrier = entry.trackingNumber ? `${entry.carrier ?? ''} ${entry.trackingNumber}` : '';
      const raw =
        entry.rawCode || entry.rawDescription
          ? `carrier said [${entry.rawCode ?? ''}] ${entry.rawDescription ?? ''}`
          : '';
      line([carrier, raw].filter(Boolean).join(': '));
    }
    if (entry.production) {
      const { step, fulfillmentCentreId, facility, station } = entry.production;
      line(
        `Fulfillment centre ${fulfillmentCentreId || '-'}: ${step}${facility ? `, ${facility}` : ''}${station ? `, station ${station}` : ''}`,
      );
    }
    if (entry.cancellation)
      line(`Cancelled by ${entry.cancellation.requestedBy}: ${entry.cancellation.reason}`);
    line(
      `Recorded ${utc(entry.recordedAt)} (after ${duration(entry.informationLagSeconds)}); event ${entry.eventId}`,
    );
  }

  heading(`Notifications (${pack.notifications.length})`);
  if (pack.notifications.length === 0) line('No notification recorded.');
  for (const notification of pack.notifications) {
    const trigger = notification.trigger.state ? `, on ${notification.trigger.state}` : '';
    line(
      `${utc(notification.at)}  ${notification.channel}${notification.kind ? ` ${notification.kind}` : ''}: ` +
        `${notification.outcome}${trigger}${notification.detail ? ` (${notification.detail})` : ''}`,
    );
  }

  // Every page says which order it belongs to and where it sits, as printed evidence gets separated.
  const pages = doc.bufferedPageRange();
  for (let index = 0; index < pages.count; index += 1) {
    doc.switchToPage(pages.start + index);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .text(
        printableText(`Order ${order.orderNumber} - page ${index + 1} of ${pages.count}`),
        50,
        doc.page.height - 35,
        {
          width: doc.page.width - 100,
          align: 'center',
          lineBreak: false,
        },
      );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
