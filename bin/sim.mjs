#!/usr/bin/env node
// The sources are TypeScript; tsx loads them without a build step.
import { register } from 'tsx/esm/api';

process.env.TZ = 'UTC';
register();
await import('../cli/main.ts');
