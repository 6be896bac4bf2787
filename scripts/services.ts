/** The services of the system, their entry points and default ports (DESIGN.md, "Shape"). */
export interface ServiceDefinition {
  name: string;
  entry: string;
  /** Exports the service's ServiceDatabaseOptions, for `npm run migrate`. */
  database: string;
  defaultPort: number;
  /** `<PREFIX>_PORT` overrides the port for `npm start`. */
  envPrefix: string;
}

const define = (name: string, defaultPort: number): ServiceDefinition => ({
  name,
  entry: `services/${name}/src/main.ts`,
  database: `services/${name}/src/persistence/database.ts`,
  defaultPort,
  envPrefix: name.toUpperCase().replace(/-/g, '_'),
});

export const SERVICES: readonly ServiceDefinition[] = [
  define('order-intake', 3001),
  define('production-status', 3002),
  define('carrier-ingest', 3003),
  define('notification', 3004),
  define('storefront-sync', 3005),
  define('tracking-api', 3006),
];
