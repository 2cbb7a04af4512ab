import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The file is not a readable regular file of a sensible size; `reason` says which and why. */
export class UnreadableFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

/**
 * Reads a regular file of at most `maxBytes`. Opening is non-blocking, so a FIFO cannot hang the
 * caller, and the size is checked on the open descriptor while reading (a file that grows, or a
 * device like /dev/zero, stops at the cap instead of filling memory). `noFollow` refuses a
 * symbolic link as the last path component (a snapshot file pointing out of its directory).
 */
export function readRegularFile(path: string, maxBytes: number, options: { noFollow?: boolean } = {}): Buffer {
  let fd: number;
  try {
    const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0);
    fd = openSync(path, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new UnreadableFileError(path, 'is a symbolic link; only regular files are read');
    throw new UnreadableFileError(path, `cannot be read (${code ?? (e as Error).message})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnreadableFileError(path, `is ${kindOf(stat)}, not a regular file`);
    if (stat.size > maxBytes) throw new UnreadableFileError(path, `is ${stat.size} bytes; the limit is ${maxBytes}`);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(Math.max(stat.size, 1), 1 << 20) + 1);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new UnreadableFileError(path, `grew past the limit of ${maxBytes} bytes while read`);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}
