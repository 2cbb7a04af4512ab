/** At most this many statements are kept: an app that builds texts (IN lists of any length) cannot grow the session. */
export const MAX_STATEMENTS = 1_000;

// Statements worth keeping: they read or write rows and never change what a kept statement means.
const PREPARED = new Set(['select', 'insert', 'update', 'delete', 'with', 'values', 'table']);
// Statements that change nothing a kept statement depends on; any other (CREATE, ALTER, DROP,
// DISCARD, DEALLOCATE, DO …) may change a table's columns or drop the statements, so all are closed.
const HARMLESS = new Set([
  ...PREPARED,
  'begin',
  'start',
  'commit',
  'end',
  'rollback',
  'abort',
  'savepoint',
  'release',
  'set',
  'show',
  'checkpoint',
  'lock',
  'copy',
  // PREPARE takes only a statement that reads or writes rows; EXECUTE runs one.
  'prepare',
  'execute',
  'explain',
  'analyze',
  'vacuum',
]);

/**
 * What one trip sends: statements to close first, then the statement to use, and whether to
 * parse it; a kept statement comes with what its first trip learned about its rows.
 */
export interface StatementUse<Rows> {
  close: string[];
  name: string;
  parse: boolean;
  rows?: Rows;
}

/**
 * The named statements of one embedded session, by text. Parsing a statement and describing its
 * rows cost the embedded database about as much as running a simple one, so a text is parsed and
 * described once and later trips only bind and execute it; PostgreSQL may keep a generic plan for
 * it, as for a server's prepared statement. PostgreSQL re-plans a kept statement after a change to
 * what it reads; only a change to a table's columns would make one fail, so any statement that is
 * not harmless (above) closes them all first.
 */
export class StatementCache<Rows> {
  readonly #kept = new Map<string, { name: string; rows: Rows }>();
  #closing: string[] = [];
  #next = 0;

  /** How to run `text` on this trip. Texts that are not kept use the unnamed statement. */
  use(text: string): StatementUse<Rows> {
    const close = this.#closing;
    this.#closing = [];
    const keyword = firstKeyword(text);
    if (!PREPARED.has(keyword)) {
      if (!HARMLESS.has(keyword)) this.#closeAll(close);
      return { close, name: '', parse: true };
    }
    const kept = this.#kept.get(text);
    if (kept !== undefined) {
      // Most recently used last, so the first is the one to evict.
      this.#kept.delete(text);
      this.#kept.set(text, kept);
      return { close, name: kept.name, parse: false, rows: kept.rows };
    }
    return { close, name: `sim_${this.#next++}`, parse: true };
  }

  /** The trip that parsed `use.name` for `text` parsed it, and learned `rows`. */
  parsed(text: string, use: StatementUse<Rows>, rows: Rows): void {
    if (use.name === '' || !use.parse) return;
    this.#kept.set(text, { name: use.name, rows });
    if (this.#kept.size > MAX_STATEMENTS) {
      const [oldest, { name }] = this.#kept.entries().next().value!;
      this.#kept.delete(oldest);
      this.#closing.push(name);
    }
  }

  /** The trip failed after it may have parsed `name`: close it with the next trip, whatever happened. */
  failed(use: StatementUse<Rows>): void {
    this.#closing.push(...use.close);
    if (use.parse && use.name !== '') this.#closing.push(use.name);
  }

  /** A script ran through the simple protocol: unless every statement in it is harmless, close all. */
  sawScript(script: string): void {
    if (!isHarmless(script)) this.#closeAll(this.#closing);
  }

  #closeAll(into: string[]): void {
    for (const { name } of this.#kept.values()) into.push(name);
    this.#kept.clear();
  }
}

/** Whether `text` is a statement worth keeping: it reads or writes rows. */
export function isKeepable(text: string): boolean {
  return PREPARED.has(firstKeyword(text));
}

/**
 * Whether every statement in `script` leaves kept statements meaning what they meant. Splitting at
 * every `;`, even one inside a literal or a comment, can only find more pieces that are not
 * harmless, so a doubt closes the statements rather than keeping them.
 */
export function isHarmless(script: string): boolean {
  const pieces = script.split(';').filter((piece) => stripLeading(piece) !== '');
  return pieces.every((piece) => HARMLESS.has(firstKeyword(piece)));
}

function stripLeading(text: string): string {
  return text.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
}

/** The statement's first keyword in lower case ('' when it does not start with one); `(SELECT …` is a select. */
function firstKeyword(text: string): string {
  return /^[(\s]*([a-z]+)/i.exec(stripLeading(text))?.[1]?.toLowerCase() ?? '';
}
