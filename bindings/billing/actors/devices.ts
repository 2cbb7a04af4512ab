/** The devices and clients users act from; their shares come from the scenario. */
export const DEVICES = [
  'chrome-windows',
  'chrome-mac',
  'safari-mac',
  'edge-windows',
  'firefox-windows',
  'firefox-linux',
  'safari-ios',
  'chrome-android',
  'cli',
] as const;
export type Device = (typeof DEVICES)[number];

const MONTH_MS = 30.44 * 86_400_000;
/** Browsers ship a major version about every four weeks; the version follows the simulated date. */
const major = (atMs: number, base: number, baseMs: number, everyMonths: number) =>
  base + Math.max(0, Math.floor((atMs - baseMs) / (MONTH_MS * everyMonths)));
const JAN_2024 = Date.UTC(2024, 0, 15);

/** How far a user's software trails the newest release, and the point release it shows: drawn once per user. */
export interface SoftwareAge {
  lag: number;
  minor: number;
}

/** A User-Agent string as that device sent it at that date. */
export function userAgent(device: Device, atMs: number, age: SoftwareAge): string {
  const chrome = major(atMs, 120, JAN_2024, 1) - age.lag;
  const firefox = major(atMs, 121, JAN_2024, 1) - age.lag;
  const safari = 17 + Math.floor(Math.max(0, atMs - Date.UTC(2023, 8, 18)) / (MONTH_MS * 12));
  const macos = `10_15_7`;
  switch (device) {
    case 'chrome-windows':
      return (
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ` +
        `Chrome/${chrome}.0.0.0 Safari/537.36`
      );
    case 'edge-windows':
      return (
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ` +
        `Chrome/${chrome}.0.0.0 Safari/537.36 Edg/${chrome}.0.0.0`
      );
    case 'chrome-mac':
      return (
        `Mozilla/5.0 (Macintosh; Intel Mac OS X ${macos}) AppleWebKit/537.36 (KHTML, like Gecko) ` +
        `Chrome/${chrome}.0.0.0 Safari/537.36`
      );
    case 'safari-mac':
      return (
        `Mozilla/5.0 (Macintosh; Intel Mac OS X ${macos}) AppleWebKit/605.1.15 (KHTML, like Gecko) ` +
        `Version/${safari}.${age.minor % 7} Safari/605.1.15`
      );
    case 'firefox-windows':
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${firefox}.0) Gecko/20100101 Firefox/${firefox}.0`;
    case 'firefox-linux':
      return `Mozilla/5.0 (X11; Linux x86_64; rv:${firefox}.0) Gecko/20100101 Firefox/${firefox}.0`;
    case 'safari-ios':
      return (
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${safari}_${age.minor % 7} like Mac OS X) AppleWebKit/605.1.15 ` +
        `(KHTML, like Gecko) Version/${safari}.${age.minor % 7} Mobile/15E148 Safari/604.1`
      );
    case 'chrome-android':
      return (
        `Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome}.0.0.0 ` +
        `Mobile Safari/537.36`
      );
    case 'cli':
      return `billing-cli/${2 + Math.floor((atMs - JAN_2024) / (MONTH_MS * 9))}.${age.minor} (node)`;
  }
}
