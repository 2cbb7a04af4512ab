import { createHash } from 'node:crypto';

/** One stubbed vendor call: what the run would have done to the outside world. */
export interface SideEffect {
  at: string;
  vendor: string;
  method: string;
  url: string;
  status: number;
  bodySha256: string;
}

export class SideEffectLedger {
  readonly entries: SideEffect[] = [];
  constructor(private readonly nowMs: () => number) {}

  record(vendor: string, method: string, url: string, status: number, body: string): void {
    this.entries.push({
      at: new Date(this.nowMs()).toISOString(),
      vendor,
      method,
      url,
      status,
      bodySha256: createHash('sha256').update(body).digest('hex'),
    });
  }

  /** JSON Lines with a fixed key order: reviewers diff this file to see a change's external effects. */
  toJsonl(): string {
    return (
      this.entries
        .map((e) =>
          JSON.stringify({
            at: e.at,
            vendor: e.vendor,
            method: e.method,
            url: e.url,
            status: e.status,
            bodySha256: e.bodySha256,
          }),
        )
        .join('\n') + (this.entries.length ? '\n' : '')
    );
  }
}
