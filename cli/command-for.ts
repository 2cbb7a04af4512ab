import { displayPath, findConfigFile, type LoadedConfig, type ResolvedApp } from '../engine/config/sim-config.ts';

/**
 * The command a user types to run `sim <command> <args>` for this app from the working directory:
 * `--app` when the config has several apps, `--config` when it would not be found from here.
 */
export function commandFor(
  command: string,
  args: string[],
  context: { app: ResolvedApp; config: LoadedConfig },
): string {
  const parts = ['npx sim', command, ...args];
  if (context.config.apps.length > 1) parts.push(`--app ${context.app.name}`);
  if (findConfigFile(process.cwd()) !== context.config.file) parts.push(`--config ${displayPath(context.config.file)}`);
  return parts.join(' ');
}
