export class IntegrityError extends Error {
  readonly exitCode = 5;
}

/**
 * A committed plain dump restored with psql is executable code: a `\!` line runs a shell command,
 * and the fixed \restrict key is in plain sight in git. So before psql sees a snapshot, every
 * backslash line outside COPY data is refused, and COPY blocks must be well formed.
 * Allowed outside COPY: nothing that starts with a backslash (canonical dumps carry no \restrict).
 */
export function validateDumpText(text: string, file = 'dump.sql'): void {
  if (text.includes('\r')) {
    throw new IntegrityError(
      `${file}: contains carriage returns (CRLF conversion?); snapshots are byte-exact, check .gitattributes keeps snapshots/** -text`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) {
    throw new IntegrityError(`${file}: starts with a byte-order mark; the file was modified after generation`);
  }
  if (text.includes('\u0000')) throw new IntegrityError(`${file}: contains a NUL byte`);
  const lines = text.split('\n');
  let inCopy = false;
  let copyStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (inCopy) {
      if (line === '\\.') inCopy = false;
      continue;
    }
    if (/^COPY [^;]+ FROM stdin;$/.test(line)) {
      inCopy = true;
      copyStart = i + 1;
      continue;
    }
    if (/^\s*\\/.test(line)) {
      throw new IntegrityError(
        `${file}:${i + 1}: psql meta-command outside COPY data refused: ${JSON.stringify(line.slice(0, 60))}; a snapshot never contains one, so this file was tampered with`,
      );
    }
  }
  if (inCopy) throw new IntegrityError(`${file}:${copyStart}: COPY block never terminated (truncated file?)`);
  if (!/\n-- PostgreSQL database dump complete\n(--\n)?\n*$/.test(text)) {
    throw new IntegrityError(`${file}: missing pg_dump's completion footer (truncated file?)`);
  }
}
