import { constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { installSandboxGuard } from '../safety/sandbox-guard.ts';

// Imported first by the sandboxed simulation process. Under Node's permission model
// process.binding() is refused, yet PGlite's Emscripten file system asks it for the fs and os
// constants while it starts; those (and nothing else) are handed over from the public modules.
if ((process as { permission?: unknown }).permission) {
  const target = process as unknown as { binding: (name: string) => unknown };
  const denied = target.binding.bind(process);
  target.binding = (name: string) => (name === 'constants' ? { fs: fsConstants, os: osConstants } : denied(name));
}

// Before any app module evaluates: references it takes at load time are then the guarded ones.
installSandboxGuard();
