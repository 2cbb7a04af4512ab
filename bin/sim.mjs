#!/usr/bin/env node
// Installed from the package, the CLI is compiled JavaScript in dist/. Inside this repository the
// TypeScript sources are the truth (dist/ may be stale or absent), so tsx loads them instead.
import { existsSync } from 'node:fs';

process.env.TZ = 'UTC';
const sources = new URL('../cli/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import('../dist/cli/main.js');
}
