-- Runs once, when docker-compose's PostgreSQL initializes an empty data directory, as the
-- superuser in the `tracking` database. Local development only: passwords equal role names.
--
-- One database, one role per service, and each role owns the schema of its own name, so a
-- service cannot read or write another's tables. The schema name is also first on
-- PostgreSQL's default search_path ("$user"). Each role may also create schemas: a service's
-- migrations start with CREATE SCHEMA IF NOT EXISTS, and PostgreSQL checks that privilege
-- even when the schema already exists.
DO $$
DECLARE
  service_role text;
BEGIN
  FOREACH service_role IN ARRAY ARRAY[
    'order_intake',
    'production_status',
    'carrier_ingest',
    'notification',
    'storefront_sync',
    'tracking_api'
  ] LOOP
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', service_role, service_role);
    EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', service_role, service_role);
    EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO %I', current_database(), service_role);
  END LOOP;
END
$$;
