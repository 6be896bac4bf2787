import { DEFAULT_TRANSIT_TABLE } from '../domain/delivery-estimate';
import { buildEvidencePack } from '../domain/evidence-pack';
import { projectOrder } from '../domain/order-projection';
import { textLayerOf } from '../../test/support/pdf-text';
import {
  DAY,
  newOrder,
  orderReceived,
  shipmentRegistered,
  carrierScan,
} from '../../test/support/tracking-facts';
import { printableText, renderEvidencePdf } from './evidence-pdf';

const T0 = Date.UTC(2026, 10, 20, 8);

function deliveredPack(scans = 3) {
  const order = newOrder({ merchantId: 'acme' });
  const events = [
    orderReceived(order, new Date(T0)),
    shipmentRegistered(order, new Date(T0 + DAY)),
    ...Array.from({ length: scans - 1 }, (_, index) =>
      carrierScan(order, new Date(T0 + DAY * 2 + index * 60_000), 'IN_TRANSIT', { city: 'Đà Nẵng' }),
    ),
    carrierScan(order, new Date(T0 + DAY * 4), 'DELIVERED'),
  ];
  const projection = projectOrder(
    events[0] as never,
    events,
    { transitTable: DEFAULT_TRANSIT_TABLE, productionDays: 3 },
    new Date(T0 + DAY * 5),
  );
  const pack = buildEvidencePack(
    {
      orderId: order.orderId,
      merchantId: 'acme',
      externalOrderId: '#1042',
      storefrontPlatform: 'SHOPIFY',
      placedAt: new Date(T0),
      receivedAt: new Date(T0),
      fulfillmentCentreId: 'fc-1',
      promisedDeliveryDate: null,
      destinationCity: 'Hà Nội',
      destinationCountry: 'VN',
      state: projection.status.state,
      stateReason: null,
      stateOccurredAt: new Date(projection.status.occurredAt),
      packedAt: projection.packedAt,
      firstCarrierScanAt: projection.firstCarrierScanAt,
      deliveredAt: projection.deliveredAt,
      etaFrom: null,
      etaTo: null,
      firstEtaTo: projection.firstWindowTo,
      publicView: projection.publicView,
    },
    events,
    new Date(T0 + DAY * 5),
  );
  return { order, pack };
}

describe('printableText', () => {
  it('keeps what the standard fonts show and folds the rest to its base letters', () => {
    expect(printableText('Café – 5 €')).toBe('Café – 5 €');
    expect(printableText('Hà Nội')).toBe('Hà Noi');
    expect(printableText('Đà Nẵng, Łódź')).toBe('Dà Nang, Lódz');
    expect(printableText('東京')).toBe('??');
  });
});

describe('renderEvidencePdf', () => {
  it('writes a PDF whose text names the order, the tracking number and who signed', async () => {
    const { order, pack } = deliveredPack();

    for (const compress of [false, true]) {
      const pdf = await renderEvidencePdf(pack, { compress });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const text = textLayerOf(pdf);
      expect(text).toContain('Delivery evidence: order #1042');
      expect(text).toContain(order.trackingNumber);
      expect(text).toContain('NGUYEN THI LINH');
      expect(text).toContain('Dà Nang');
      expect(text).toContain('page 1 of 1');
    }
  });

  it('numbers the pages of a long history', async () => {
    const { pack } = deliveredPack(60);
    const text = textLayerOf(await renderEvidencePdf(pack));
    const pages = Number(/page 1 of (\d+)/.exec(text)?.[1]);
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain(`page ${pages} of ${pages}`);
  });
});
