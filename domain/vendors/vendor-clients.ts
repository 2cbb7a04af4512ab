import { createHmac } from 'node:crypto';
import { postJson, type VendorResponse } from './http-json.ts';

export interface VendorSettings {
  paymentsBaseUrl: string;
  paymentsApiKey: string;
  emailBaseUrl: string;
  emailApiKey: string;
  searchBaseUrl: string;
  searchAppId: string;
  searchApiKey: string;
}

/** Plain HTTP clients over global fetch against the vendors' real APIs (Stripe-, Postmark- and Algolia-shaped). */
export function vendorClients(v: VendorSettings) {
  const pay = (path: string, body: unknown, idempotencyKey?: string) =>
    postJson(`${v.paymentsBaseUrl}${path}`, body, {
      authorization: `Bearer ${v.paymentsApiKey}`,
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    });
  const search = { 'x-algolia-application-id': v.searchAppId, 'x-algolia-api-key': v.searchApiKey };
  return {
    tokenizeCard: (card: { number: string; expMonth: number; expYear: number }, idempotencyKey: string) =>
      pay(
        '/v1/payment_methods',
        { card: { number: card.number, exp_month: card.expMonth, exp_year: card.expYear } },
        idempotencyKey,
      ),
    charge: (
      a: { amountCents: number; currency: string; paymentMethod: string; invoicePublicId: string },
      idempotencyKey: string,
    ) =>
      pay(
        '/v1/payment_intents',
        {
          amount: a.amountCents,
          currency: a.currency.toLowerCase(),
          payment_method: a.paymentMethod,
          confirm: true,
          metadata: { invoice_id: a.invoicePublicId },
        },
        idempotencyKey,
      ),
    refund: (paymentIntent: string, amountCents: number, idempotencyKey: string) =>
      pay('/v1/refunds', { payment_intent: paymentIntent, amount: amountCents }, idempotencyKey),
    sendEmail: (m: { to: string; subject: string; text: string; tag: string }): Promise<VendorResponse> =>
      postJson(
        `${v.emailBaseUrl}/email`,
        { From: 'billing@billing-app.example', To: m.to, Subject: m.subject, TextBody: m.text, Tag: m.tag },
        { 'x-postmark-server-token': v.emailApiKey },
      ),
    indexOrganization: (publicId: string, doc: unknown) =>
      postJson(`${v.searchBaseUrl}/1/indexes/organizations/${encodeURIComponent(publicId)}`, doc, search, 'PUT'),
    deleteOrganization: (publicId: string) =>
      postJson(
        `${v.searchBaseUrl}/1/indexes/organizations/${encodeURIComponent(publicId)}`,
        undefined,
        search,
        'DELETE',
      ),
    deliverWebhook: (
      url: string,
      secret: string,
      event: { id: string; type: string; created: number; data: unknown },
    ) => {
      const body = JSON.stringify(event);
      const signature = createHmac('sha256', secret).update(`${event.created}.${body}`).digest('hex');
      return postJson(url, event, { 'x-billing-signature': `t=${event.created},v1=${signature}` });
    },
  };
}

export type VendorClients = ReturnType<typeof vendorClients>;
