/**
 * The one place the container image is chosen. Users elsewhere get a current official tag; this
 * project's CI builds `local/postgres:15` from Debian packages (no registry is reachable there)
 * and sets SIM_POSTGRES_IMAGE.
 */
export const DEFAULT_POSTGRES_IMAGE = 'postgres:16-alpine';

export function postgresImage(): string {
  return process.env.SIM_POSTGRES_IMAGE || DEFAULT_POSTGRES_IMAGE;
}
