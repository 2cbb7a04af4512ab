/** VAT/GST/sales-tax rate by billing country, in basis points (US: sales tax not collected here). */
export const TAX_RATE_BPS: Record<string, number> = {
  US: 0,
  CA: 500,
  GB: 2000,
  DE: 1900,
  FR: 2000,
  NL: 2100,
  ES: 2100,
  IE: 2300,
  AU: 1000,
  JP: 1000,
};

export function taxCents(taxableCents: number, country: string): number {
  return roundHalfAwayFromZero((taxableCents * (TAX_RATE_BPS[country] ?? 0)) / 10_000);
}

export function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

/**
 * Proration: the change in the period's price, times the share of the period still ahead,
 * measured in whole seconds. Positive = charge now, negative = credit to the next invoice.
 */
export function prorationCents(
  oldAmountCents: number,
  newAmountCents: number,
  periodStart: Date,
  periodEnd: Date,
  now: Date,
): number {
  const totalS = Math.round((periodEnd.getTime() - periodStart.getTime()) / 1000);
  const remainingS = Math.max(0, Math.min(totalS, Math.round((periodEnd.getTime() - now.getTime()) / 1000)));
  if (totalS <= 0) return 0;
  return roundHalfAwayFromZero(((newAmountCents - oldAmountCents) * remainingS) / totalS);
}

export function addInterval(d: Date, interval: string): Date {
  const r = new Date(d.getTime());
  // Month arithmetic clamps to the last day (Jan 31 + 1 month = Feb 28/29), as billing systems do.
  const day = r.getUTCDate();
  r.setUTCDate(1);
  r.setUTCMonth(r.getUTCMonth() + (interval === 'year' ? 12 : 1));
  const last = new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + 1, 0)).getUTCDate();
  r.setUTCDate(Math.min(day, last));
  return r;
}
