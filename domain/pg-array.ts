/**
 * A PostgreSQL array literal for one parameter (drizzle's sql template would spread a JS array
 * into one placeholder per element). Strings are double-quoted with `"` and `\` escaped, so any
 * text, including commas, braces and the word NULL, arrives as itself. There is no NULL element:
 * every column it feeds is NOT NULL.
 */
export function pgArray(values: readonly (string | number)[]): string {
  return `{${values.map((v) => (typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}
