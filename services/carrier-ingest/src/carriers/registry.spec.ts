import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { carrierAdapters, discoverCarrierAdapters } from './registry';

describe('carrierAdapters', () => {
  it('discovers the five adapter folders, each under its own unique id', () => {
    const adapters = carrierAdapters();
    expect([...adapters.keys()]).toEqual(['aggregator', 'dhl', 'fedex', 'ups', 'usps']);
    for (const [id, adapter] of adapters) expect(adapter.id).toBe(id);
    expect(new Set([...adapters.values()].map((adapter) => adapter.id)).size).toBe(adapters.size);
  });

  it('gives every carrier but the aggregator a polling pair', () => {
    for (const adapter of carrierAdapters().values()) {
      const polls = adapter.pollRequest !== undefined && adapter.parsePollResponse !== undefined;
      expect({ id: adapter.id, polls }).toEqual({ id: adapter.id, polls: adapter.id !== 'aggregator' });
    }
  });

  it('loads the adapters once', () => {
    expect(carrierAdapters()).toBe(carrierAdapters());
  });
});

describe('discoverCarrierAdapters', () => {
  let root: string;

  const adapterModule = (id: string) =>
    `module.exports = { adapter: { id: ${JSON.stringify(id)}, displayName: 'X', webhookScheme: 'none',
      verifyWebhook() { return { valid: false, reason: 'test' }; }, parseWebhook() { return []; } } };`;

  function folder(name: string, files: Record<string, string>): void {
    mkdirSync(join(root, name));
    for (const [file, content] of Object.entries(files)) writeFileSync(join(root, name, file), content);
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'carriers-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('loads compiled adapter.js modules and skips folders without an adapter module', () => {
    folder('acme', { 'adapter.js': adapterModule('acme'), 'adapter.js.map': '{}' });
    folder('shared', { 'helpers.js': 'module.exports = {};' });
    writeFileSync(join(root, 'registry.js'), '');
    expect([...discoverCarrierAdapters(root).keys()]).toEqual(['acme']);
  });

  it('refuses a folder whose module exports no adapter', () => {
    folder('broken', { 'adapter.js': 'module.exports = { somethingElse: true };' });
    expect(() => discoverCarrierAdapters(root)).toThrow(
      /carriers\/broken\/adapter does not export a CarrierAdapter/,
    );
  });

  it('refuses an adapter whose id is not its folder name', () => {
    folder('acme', { 'adapter.js': adapterModule('ups') });
    expect(() => discoverCarrierAdapters(root)).toThrow(/has id "ups": an adapter's id is its folder name/);
  });
});
