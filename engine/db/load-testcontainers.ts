import { UsageError } from '../util/usage-error.ts';

type Testcontainers = typeof import('testcontainers') & typeof import('@testcontainers/postgresql');

/** A peer dependency is missing: names the install command that fixes it (exit 2). */
export class MissingDockerSupportError extends UsageError {}

/**
 * testcontainers and @testcontainers/postgresql, loaded only when the docker backend is used: they
 * are optional peer dependencies, so a user who never runs Docker does not install their ~100 packages.
 */
export async function loadTestcontainers(): Promise<Testcontainers> {
  try {
    const [core, postgres] = await Promise.all([import('testcontainers'), import('@testcontainers/postgresql')]);
    return { ...core, ...postgres };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new MissingDockerSupportError(
      'the docker backend needs the optional peer dependencies testcontainers and @testcontainers/postgresql: ' +
        'npm install --save-dev testcontainers@11.14.0 @testcontainers/postgresql@11.14.0 ' +
        '(or use --backend pglite, or --backend postgres with --database-url)',
    );
  }
}
