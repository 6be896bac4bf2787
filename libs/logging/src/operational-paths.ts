/**
 * Paths that Kubernetes and Prometheus poll every few seconds (served by @tracking/health).
 * Logging or tracing each poll would bury the requests that matter, so request logs drop them
 * to debug and the http instrumentation does not trace them.
 */
export const OPERATIONAL_PATHS: readonly string[] = ['/health/live', '/health/ready', '/metrics'];

export function isOperationalRequest(url: string | undefined): boolean {
  if (!url) return false;
  const path = url.split('?', 1)[0]!.replace(/\/+$/, '');
  return OPERATIONAL_PATHS.includes(path);
}
