export interface DumpTable {
  name: string;
  columns: string[];
  rows: string[];
}

/** Reads the COPY blocks of a canonical dump back into tables (rows as COPY text lines). */
export function parseDumpTables(text: string): Map<string, DumpTable> {
  const tables = new Map<string, DumpTable>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^COPY ([^ ]+) \((.*)\) FROM stdin;$/.exec(lines[i]!);
    if (!m) continue;
    const table: DumpTable = { name: m[1]!.replace(/^public\./, ''), columns: m[2]!.split(', '), rows: [] };
    for (i++; i < lines.length && lines[i] !== '\\.'; i++) table.rows.push(lines[i]!);
    tables.set(table.name, table);
  }
  return tables;
}
