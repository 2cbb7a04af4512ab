import { loadModule, parseSync } from 'libpg-query';
import { IntegrityError } from './integrity-error.ts';

// The parser is WASM; loading it once here lets the checker stay synchronous (readSnapshot is).
await loadModule();

/** One step of a restore: a statement to run, or a COPY whose rows follow it in the file. */
export type DumpStep =
  | { kind: 'sql'; sql: string; line: number; statement: string }
  | { kind: 'copy'; sql: string; line: number; statement: 'CopyStmt'; dataStart: number; dataEnd: number };

/** The only schema a snapshot's objects may live in: the app's tables are all in public. */
const SCHEMAS = new Set(['public']);

/** Session settings pg_dump writes at the top of a plain dump; nothing else may be SET. */
const SETTINGS = new Set([
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'client_encoding',
  'standard_conforming_strings',
  'check_function_bodies',
  'xmloption',
  'client_min_messages',
  'row_security',
  'default_table_access_method',
  'default_tablespace',
  'default_with_oids',
]);

/** ALTER TABLE actions pg_dump writes for the app's own tables (keys, identity, serial defaults). */
const TABLE_ACTIONS = new Set(['AT_AddConstraint', 'AT_AddIdentity', 'AT_ColumnDefault']);

/** A statement as pg_dump writes COPY's header: `COPY <table> (<columns>) FROM stdin;` alone on its line. */
const COPY_LINE = /^COPY [^\n]* FROM stdin;$/gm;

/** Retries of a candidate COPY line found inside a string or comment before the file is refused. */
const MAX_CANDIDATES = 10_000;

type Node = Record<string, any>;

/**
 * Splits a plain schema-and-data dump into the steps a restore runs, with PostgreSQL's own parser
 * (never line patterns, which a string, comment or dollar quote fools), and refuses the whole file
 * when any statement is outside the allow-list. Nothing is run here: this is the one checker behind
 * `sim verify`, `sim restore` and facade-sim/testing, called before any connection is opened.
 *
 * COPY data is found by the dump's structure: a line that is a whole `COPY … FROM stdin;` statement
 * to the parser is followed by rows up to a line `\.`. A COPY-looking line that the parser sees
 * inside a literal or comment is not a statement end, so the search goes on past it.
 */
export function planDump(text: string, file = 'dump.sql'): DumpStep[] {
  checkBytes(text, file);
  const steps: DumpStep[] = [];
  let pos = 0;
  let line = 1;
  for (;;) {
    let searchFrom = pos;
    let tries = 0;
    let found: { segment: string; stmts: Node[]; end: number } | undefined;
    for (;;) {
      COPY_LINE.lastIndex = searchFrom;
      const m = COPY_LINE.exec(text);
      if (!m) break;
      if (++tries > MAX_CANDIDATES) {
        throw new IntegrityError(`${file}:${line}: too many COPY-like lines that are not statements`);
      }
      const end = m.index + m[0].length;
      searchFrom = end;
      const segment = text.slice(pos, end);
      let stmts: Node[];
      try {
        stmts = parseSync(segment).stmts ?? [];
      } catch {
        continue; // the candidate sits inside an unterminated literal or comment: not a real COPY
      }
      const last = stmts[stmts.length - 1];
      if (!last?.stmt?.CopyStmt) continue;
      const bytes = Buffer.byteLength(segment);
      const stmtEnd = last.stmt_len ? (last.stmt_location ?? 0) + last.stmt_len : bytes;
      if (stmtEnd !== bytes - 1) continue; // only the ';' may follow the statement
      found = { segment, stmts, end };
      break;
    }
    if (!found) {
      const segment = text.slice(pos);
      refuseBackslashLines(segment, file, line);
      steps.push(...checkSegment(segment, parseOrRefuse(segment, file, line), file, line, false));
      return steps;
    }
    refuseBackslashLines(found.segment, file, line);
    const segSteps = checkSegment(found.segment, found.stmts, file, line, true);
    const copy = segSteps.pop()!;
    steps.push(...segSteps);
    line += countNewlines(found.segment);
    if (text[found.end] !== '\n') throw new IntegrityError(`${file}:${line}: COPY block has no data lines`);
    const dataStart = found.end + 1;
    // The terminator is a line holding only `\.`: COPY text escapes every backslash in data as `\\`.
    const term = text.indexOf('\n\\.\n', found.end);
    if (term < 0) throw new IntegrityError(`${file}:${copy.line}: COPY block never terminated (truncated file?)`);
    const dataEnd = term + 1;
    steps.push({ kind: 'copy', sql: copy.sql, line: copy.line, statement: 'CopyStmt', dataStart, dataEnd });
    line += countNewlines(text.slice(found.end, term + 4));
    pos = term + 4;
  }
}

/** The checks that need no parser: a byte-exact text file that pg_dump finished writing. */
function checkBytes(text: string, file: string): void {
  if (text.includes('\r')) {
    throw new IntegrityError(
      `${file}: contains carriage returns (CRLF conversion?); snapshots are byte-exact, check .gitattributes ` +
        `keeps snapshots/** -text`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) {
    throw new IntegrityError(`${file}: starts with a byte-order mark; the file was modified after generation`);
  }
  if (text.includes('\u0000')) throw new IntegrityError(`${file}: contains a NUL byte`);
  if (!/\n-- PostgreSQL database dump complete\n(--\n)?\n*$/.test(text)) {
    throw new IntegrityError(`${file}: missing pg_dump's completion footer (truncated file?)`);
  }
}

/**
 * Outside COPY data pg_dump never starts a line with a backslash. None can run here (no psql), but
 * people do feed a committed dump to psql by hand, where such a line inside a comment or literal
 * the parser tolerates could still be read as a meta-command: refused so the file is safe there too.
 */
function refuseBackslashLines(segment: string, file: string, line: number): void {
  const m = /(^|\n)[ \t]*\\/.exec(segment);
  if (!m) return;
  const at = line + countNewlines(segment.slice(0, m.index + m[1]!.length));
  throw new IntegrityError(
    `${file}:${at}: psql meta-command (a line starting with a backslash) outside COPY data refused; a snapshot ` +
      `never contains one, so this file was tampered with`,
  );
}

function parseOrRefuse(segment: string, file: string, line: number): Node[] {
  try {
    return parseSync(segment).stmts ?? [];
  } catch (e) {
    const at = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
    const where = at === undefined ? line : line + countNewlines(byteSlice(segment, 0, at));
    throw new IntegrityError(
      `${file}:${where}: not SQL PostgreSQL accepts (${(e as Error).message}); a psql meta-command or a damaged ` +
        `file? A snapshot holds only statements pg_dump writes`,
    );
  }
}

function checkSegment(segment: string, stmts: Node[], file: string, line: number, endsInCopy: boolean): DumpStep[] {
  const buf = Buffer.from(segment);
  return stmts.map((s, i) => {
    const start = s.stmt_location ?? 0;
    const raw = buf.subarray(start, s.stmt_len ? start + s.stmt_len : buf.length).toString();
    const lead = /^(\s|--[^\n]*\n)*/.exec(raw)![0];
    const at = line + countNewlines(buf.subarray(0, start).toString()) + countNewlines(lead);
    const [statement, body] = Object.entries(s.stmt as Node)[0]!;
    // A COPY runs only where the file's structure gives it its rows: last, alone on its line.
    const misplaced = statement === 'CopyStmt' && !(endsInCopy && i === stmts.length - 1);
    const refusal = misplaced ? 'COPY not alone on its line before its rows' : refuse(statement, body);
    if (refusal) {
      throw new IntegrityError(
        `${file}:${at}: ${statement} refused (${refusal}): ` +
          `${JSON.stringify(raw.slice(lead.length, lead.length + 80))}; a snapshot holds only the statements of a ` +
          `schema-and-data pg_dump, so this file was tampered with`,
      );
    }
    return { kind: 'sql' as const, sql: raw.slice(lead.length), line: at, statement };
  });
}

/** Why a statement is not one a snapshot may hold, or undefined when it is. */
function refuse(statement: string, n: Node): string | undefined {
  switch (statement) {
    case 'VariableSetStmt': {
      if (n.kind !== 'VAR_SET_VALUE' || n.is_local) return `only plain SET of pg_dump's settings`;
      if (!SETTINGS.has(n.name)) return `SET ${n.name} is not one of pg_dump's settings`;
      if (!(n.args ?? []).every((a: Node) => a.A_Const)) return 'SET to something other than a constant';
      if (n.name === 'client_encoding' && n.args?.[0]?.A_Const?.sval?.sval !== 'UTF8') {
        return 'encoding other than UTF8';
      }
      return undefined;
    }
    case 'SelectStmt':
      return refuseSelect(n);
    case 'CreateStmt':
      if (!ownSchema(n.relation)) return 'table outside the public schema';
      if (n.tablespacename || n.ofTypename || n.inhRelations || n.partbound) return 'tablespace, type or inheritance';
      return undefined;
    case 'AlterTableStmt': {
      if (n.objtype !== 'OBJECT_TABLE' || !ownSchema(n.relation)) return 'not a public table';
      for (const c of n.cmds ?? []) {
        const cmd = c.AlterTableCmd ?? {};
        if (!TABLE_ACTIONS.has(cmd.subtype)) return `ALTER TABLE action ${cmd.subtype}`;
        const pk = cmd.def?.Constraint?.pktable;
        if (pk && !ownSchema(pk)) return 'foreign key to a table outside public';
      }
      return undefined;
    }
    case 'IndexStmt':
      return ownSchema(n.relation) && !n.tableSpace ? undefined : 'index outside public or in a tablespace';
    case 'CreateSeqStmt':
      return ownSchema(n.sequence) ? undefined : 'sequence outside public';
    case 'AlterSeqStmt':
      if (!ownSchema(n.sequence)) return 'sequence outside public';
      return (n.options ?? []).every((o: Node) => o.DefElem?.defname === 'owned_by') ? undefined : 'only OWNED BY';
    case 'CopyStmt':
      if (!n.is_from || n.is_program || n.filename !== undefined || n.query) return 'only COPY … FROM stdin';
      if (n.options || n.whereClause) return 'COPY options';
      return ownSchema(n.relation) ? undefined : 'COPY into a table outside public';
    default:
      return 'not a statement pg_dump writes for a snapshot';
  }
}

/** Only `SELECT pg_catalog.set_config('search_path', …, false)` and `SELECT pg_catalog.setval(…)`. */
function refuseSelect(n: Node): string | undefined {
  const only = 'only SELECT pg_catalog.setval(…) or pg_catalog.set_config(search_path)';
  if (Object.keys(n).some((k) => !['targetList', 'limitOption', 'op'].includes(k)) || n.op !== 'SETOP_NONE') {
    return only;
  }
  if (n.targetList?.length !== 1) return only;
  const target = n.targetList[0].ResTarget;
  const call = target?.val?.FuncCall;
  if (
    !call ||
    target.name ||
    Object.keys(call).some((k) => !['funcname', 'args', 'funcformat', 'location'].includes(k))
  ) {
    return only;
  }
  const name = (call.funcname ?? []).map((p: Node) => p.String?.sval).join('.');
  const args: Node[] = call.args ?? [];
  if (!args.every((a) => a.A_Const)) return `${name} with arguments that are not constants`;
  if (name === 'pg_catalog.set_config') {
    const ok = args.length === 3 && args[0]!.A_Const.sval?.sval === 'search_path' && 'boolval' in args[2]!.A_Const;
    return ok ? undefined : 'set_config of anything but search_path';
  }
  if (name === 'pg_catalog.setval') {
    const seq = args[0]?.A_Const.sval?.sval;
    const ok = (args.length === 2 || args.length === 3) && typeof seq === 'string' && seq.startsWith('public.');
    return ok ? undefined : 'setval of a sequence outside public';
  }
  return only;
}

function ownSchema(rel: Node | undefined): boolean {
  return !!rel && SCHEMAS.has(rel.schemaname) && !rel.catalogname;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function byteSlice(s: string, start: number, end: number): string {
  return Buffer.from(s).subarray(start, end).toString();
}
