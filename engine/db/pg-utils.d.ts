// node-postgres's conversion of a JavaScript value into a query parameter (its lib/utils.js,
// exported by its package.json); @types/pg does not declare it.
declare module 'pg/lib/utils.js' {
  const utils: { prepareValue(value: unknown): string | Buffer | null };
  export default utils;
}
