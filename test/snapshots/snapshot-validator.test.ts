import { describe, expect, it } from 'vitest';
import { buildCanonicalDump, sortBytewise } from '../../engine/snapshot/canonical-dump.ts';
import { IntegrityError, validateDumpText } from '../../engine/snapshot/snapshot-validator.ts';

const SCHEMA = `--
-- PostgreSQL database dump
--

\\restrict abc123
-- Dumped from database version 15.19 (Debian 15.19-0+deb12u1)
-- Dumped by pg_dump version 15.19 (Debian 15.19-0+deb12u1)

SET statement_timeout = 0;
SET transaction_timeout = 0;

CREATE TABLE public.t (
    id bigint NOT NULL,
    name text
);


--
-- Name: t t_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.t
    ADD CONSTRAINT t_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\\unrestrict abc123
`;

const dump = (rows: string[]) =>
  buildCanonicalDump(
    SCHEMA,
    [{ qualifiedName: 'public.t', schema: 'public', name: 't', columns: ['id', 'name'], rows }],
    [{ qualifiedName: 'public.t_id_seq', value: 3, isCalled: true }],
  );

describe('canonical dump', () => {
  it('sorts rows bytewise, so physical row order never shows', () => {
    expect(dump(['2\tb', '10\tj', '1\t\\N'])).toBe(dump(['1\t\\N', '2\tb', '10\tj']));
    expect(dump(['2\tb', '1\ta'])).toMatch(/COPY public\.t \(id, name\) FROM stdin;\n1\ta\n2\tb\n\\\.\n/);
  });

  it('orders by UTF-8 bytes, not by UTF-16 code units, where the two differ (characters beyond U+FFFF)', () => {
    // U+FFFD is one UTF-16 unit above the surrogates of U+1F600, but below it in UTF-8 (EF… < F0…).
    const rows = ['x\u{1F600}', 'x\uFFFD', 'x\uE000', 'xa', 'x\u00e9'];
    expect(sortBytewise(rows)).toEqual([...rows].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(sortBytewise(rows)).toEqual(['xa', 'x\u00e9', 'x\uE000', 'x\uFFFD', 'x\u{1F600}']);
  });

  it('drops the \\restrict key, build strings and settings older servers reject; data precedes constraints', () => {
    const text = dump(['1\ta']);
    expect(text).not.toMatch(/restrict|Dumped (from|by)|transaction_timeout/);
    expect(text.indexOf('COPY public.t')).toBeLessThan(text.indexOf('ADD CONSTRAINT t_pkey'));
    expect(text).toContain("SELECT pg_catalog.setval('public.t_id_seq', 3, true);");
    expect(() => validateDumpText(text)).not.toThrow();
  });
});

describe('snapshot validator: refuses what psql would execute', () => {
  const good = dump(['1\ta', '2\t\\N']);
  const cases: [string, string][] = [
    ['shell escape appended', good + '\\! touch /tmp/pwned\n'],
    [
      'unrestrict then shell escape mid-file',
      good.replace('SET statement_timeout = 0;', '\\unrestrict x\n\\! id\nSET statement_timeout = 0;'),
    ],
    [
      'include of another file',
      good.replace('SET statement_timeout = 0;', '\\i /etc/passwd\nSET statement_timeout = 0;'),
    ],
    [
      'indented meta-command',
      good.replace('SET statement_timeout = 0;', "  \\copy t from program 'id'\nSET statement_timeout = 0;"),
    ],
    ['truncated in a COPY block', good.slice(0, good.indexOf('2\t\\N'))],
    ['truncated footer', good.slice(0, -30)],
    ['CRLF line endings', good.replace(/\n/g, '\r\n')],
    ['byte-order mark', '\ufeff' + good],
  ];
  it.each(cases)('%s', (_name, text) => {
    expect(() => validateDumpText(text)).toThrow(IntegrityError);
  });

  it('allows backslashes inside COPY data (\\N is NULL, \\t a tab)', () => {
    expect(() => validateDumpText(dump(['1\t\\\\! not a command', '2\t\\N']))).not.toThrow();
  });
});
