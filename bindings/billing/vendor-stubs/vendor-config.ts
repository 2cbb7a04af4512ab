/**
 * The app is configured exactly as in production, with real vendor hosts: MSW intercepts them.
 * Credentials are obviously fake (the `sim` marker) so a request that somehow escaped would be
 * rejected by the vendor; live-looking keys are refused before the run starts.
 */
export const vendorConfig = {
  paymentsBaseUrl: 'https://api.stripe.com',
  paymentsApiKey: 'sk_test_sim_0000000000000000',
  emailBaseUrl: 'https://api.postmarkapp.com',
  emailApiKey: 'sim-postmark-server-token',
  searchBaseUrl: 'https://simapp-dsn.algolia.net',
  searchAppId: 'SIMAPP',
  searchApiKey: 'sim-algolia-admin-key',
} as const;

export const vendorNames = [
  'payments (api.stripe.com)',
  'email (api.postmarkapp.com)',
  'search (algolia.net)',
  'customer webhooks (*.test)',
];
