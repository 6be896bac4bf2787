export default async function globalTeardown(): Promise<void> {
  await globalThis.__TRACKING_TEST_INFRA__?.stop();
}
