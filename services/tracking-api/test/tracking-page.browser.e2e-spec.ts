/**
 * The tracking page in a real browser (the machine's Chromium through playwright-core): it
 * shows the milestones, follows the order live when a new carrier scan arrives, and fits a
 * phone's screen. `UPDATE_SCREENSHOTS=1` also writes the phone screenshot README shows.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createTestEnvironment, eventually, type TestEnvironment } from '@tracking/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createTrackingApiApp } from '../src/bootstrap';
import { TrackingApiConfig } from '../src/config/tracking-api.config';
import type { PublicView } from '../src/domain/order-projection';
import { CHROMIUM_ARGS, ensureChromiumInstalled } from './support/chromium';
import {
  carrierScan,
  daysAgo,
  newOrder,
  orderInTransit,
  orderReceived,
  publish,
  shipmentRegistered,
  type OrderFixture,
} from './support/tracking-facts';

const SCREENSHOT = resolve(__dirname, '../../../docs/images/tracking-page.png');
const PHONE = { width: 375, height: 812 };

describe('tracking page in a browser', () => {
  let env: TestEnvironment<TrackingApiConfig>;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    // Installing Chromium on a fresh machine takes minutes, once.
    const executablePath = ensureChromiumInstalled();
    env = await createTestEnvironment({ configClass: TrackingApiConfig, createApp: createTrackingApiApp });
    profile = await mkdtemp(join(tmpdir(), 'tracking-page-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      // No `locale`: Chromium would then override the Accept-Language each test sets.
      timezoneId: 'UTC',
    });
  }, 10 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function projected(order: OrderFixture, done: (view: PublicView) => boolean): Promise<void> {
    await eventually(async () => {
      const response = await env.request<PublicView>('GET', `/v1/track/${order.token}`);
      return response.status === 200 && done(response.body);
    });
  }

  /** Opens the page and records what the browser complains about (a CSP refusal is a console error). */
  async function openPage(order: OrderFixture, acceptLanguage: string) {
    const page = await browser.newPage();
    const complaints: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') complaints.push(message.text());
    });
    page.on('pageerror', (error) => complaints.push(error.message));
    await page.setExtraHTTPHeaders({ 'accept-language': acceptLanguage });
    const response = await page.goto(`${env.baseUrl}/track/${order.token}`);
    expect(response?.status()).toBe(200);
    return { page, complaints };
  }

  const hasHorizontalScroll = (page: Page) =>
    page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');

  it('shows the milestones and moves on by itself when the parcel goes out for delivery', async () => {
    const order = newOrder();
    await publish(env.kafka, ...orderInTransit(order));
    await projected(order, (view) => view.status.state === 'IN_TRANSIT');

    const { page, complaints } = await openPage(order, 'en-US,en;q=0.9');
    const steps = page.locator('ol.steps > li');
    expect(await steps.count()).toBe(8);
    expect(await steps.allInnerTexts()).toEqual([
      expect.stringContaining('Order received'),
      expect.stringContaining('In production'),
      expect.stringContaining('Made and checked'),
      expect.stringContaining('Packed'),
      expect.stringContaining('Picked up by the carrier'),
      expect.stringContaining('In transit'),
      'Out for delivery',
      'Delivered',
    ]);
    expect(await page.locator('[aria-current="step"]').getAttribute('data-state')).toBe('IN_TRANSIT');
    expect(await page.locator('h1').innerText()).toBe('In transit');
    // The badge shows once the event stream is open: from then on a new scan cannot be missed.
    await page.locator('#live-badge').waitFor({ state: 'visible' });
    await page.evaluate('window.sameDocument = true');

    await publish(
      env.kafka,
      carrierScan(order, new Date(), 'OUT_FOR_DELIVERY', { description: 'Out for delivery' }),
    );

    await page
      .locator('[aria-current="step"][data-state="OUT_FOR_DELIVERY"]')
      .waitFor({ state: 'attached', timeout: 20_000 });
    expect(await page.locator('h1').innerText()).toBe('Out for delivery');
    expect(await page.locator('ol.history > li').first().innerText()).toContain('Out for delivery');
    expect(await page.locator('[data-state="IN_TRANSIT"].step').getAttribute('class')).toContain('is-done');
    expect(await page.evaluate<boolean>('window.sameDocument === true')).toBe(true);
    expect(await page.locator('#announcer').innerText()).toBe('Out for delivery');

    expect(await hasHorizontalScroll(page)).toBe(false);
    const screenshot = await page.screenshot({ fullPage: true });
    expect(screenshot.subarray(1, 4).toString()).toBe('PNG');
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await writeFile(SCREENSHOT, screenshot);
    }
    expect(complaints).toEqual([]);
    await page.close();
  });

  it('fits a small phone in its longest language, delay notice included', async () => {
    const order = newOrder();
    await publish(
      env.kafka,
      orderReceived(order, daysAgo(3)),
      shipmentRegistered(order, daysAgo(2)),
      carrierScan(order, daysAgo(2), 'PICKED_UP', { description: 'Picked up' }),
      carrierScan(order, daysAgo(1), 'EXCEPTION', {
        description: 'Held in customs',
        city: 'Ho Chi Minh City',
        reason: 'CUSTOMS_HOLD',
      }),
    );
    await projected(order, (view) => view.status.state === 'EXCEPTION');

    const { page, complaints } = await openPage(order, 'ru');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    expect(await page.locator('[role="alert"]').innerText()).toContain('Посылка задержана на таможне.');
    expect(await hasHorizontalScroll(page)).toBe(false);
    // Body text stays at a readable size on a phone.
    expect(await page.evaluate<string>('getComputedStyle(document.body).fontSize')).toBe('16px');
    expect(complaints).toEqual([]);
    await page.close();
  });
});
