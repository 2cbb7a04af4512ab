import { types, type QueryOptions, type Results } from '@electric-sql/pglite';

type Parser = (value: string, typeId: number) => unknown;
type Parsers = Record<number, Parser>;
type Field = { name: string; dataTypeID: number };
type Message = { name: string; fields?: unknown[]; text?: string };
/** A row description read once: its fields and, for each, the parser its values go through. */
type RowShape = { fields: Field[]; parse: (Parser | undefined)[] };

const CHANGES_ROWS = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE']);
const EMPTY: RowShape = { fields: [], parse: [] };

/**
 * The first result in a statement's messages, as PGlite's `parse.parseResults(...)[0]` builds it,
 * with each column's parser looked up once per row description: parseResults copies the
 * instance's whole parser map and looks up every value's parser on every query. A kept
 * statement's description is one object for all its trips (statement-cache.ts), so its shape is
 * read once for the run.
 */
export function firstResult<T>(
  messages: readonly Message[],
  parsers: Parsers,
  options: QueryOptions | undefined,
  blob: Blob | undefined,
): Results<T> {
  // Parsers given with the query take precedence over the instance's; such a shape is not kept.
  const own = options?.parsers as Parsers | undefined;
  let shape = EMPTY;
  const rows: unknown[] = [];
  for (const message of messages) {
    if (message.name === 'rowDescription') shape = own ? readShape(message, parsers, own) : shapeOf(message, parsers);
    else if (message.name === 'dataRow') rows.push(readRow(shape, message.fields as (string | null)[], options));
    else if (message.name === 'commandComplete') {
      const words = message.text!.split(' ');
      const command = words[0]!;
      const count = parseInt(words[words.length - 1]!, 10);
      const result: Results<T> & { command: string } = {
        rows: rows as T[],
        fields: shape.fields.map((field) => ({ ...field })),
        command,
        affectedRows: CHANGES_ROWS.has(command) ? count : 0,
      };
      if (!Number.isNaN(count)) (result as { rowCount?: number }).rowCount = count;
      if (blob) result.blob = blob;
      return result;
    }
  }
  return { affectedRows: 0, rows: [], fields: [] };
}

let shapes = new WeakMap<object, { parsers: Parsers; shape: RowShape }>();

/**
 * Forgets every shape read: for after an instance's parsers changed in place, as PGlite's
 * `refreshArrayTypes` does (a new parser map is noticed without it).
 */
export function forgetShapes(): void {
  shapes = new WeakMap();
}

function shapeOf(description: Message, parsers: Parsers): RowShape {
  const known = shapes.get(description);
  if (known && known.parsers === parsers) return known.shape;
  const shape = readShape(description, parsers);
  shapes.set(description, { parsers, shape });
  return shape;
}

function readShape(description: Message, parsers: Parsers, own?: Parsers): RowShape {
  const fields = (description.fields as Field[]).map(({ name, dataTypeID }) => ({ name, dataTypeID }));
  const defaults = types.parsers as Parsers;
  const parse = fields.map(({ dataTypeID: id }) => own?.[id] ?? parsers[id] ?? defaults[id]);
  return { fields, parse };
}

function readRow(shape: RowShape, values: (string | null)[], options: QueryOptions | undefined): unknown {
  const parsed = values.map((value, i) => {
    if (value === null) return null;
    const parse = shape.parse[i];
    return parse ? parse(value, shape.fields[i]!.dataTypeID) : value;
  });
  if (options?.rowMode === 'array') return parsed;
  return Object.fromEntries(shape.fields.map((field, i) => [field.name, parsed[i]]));
}
