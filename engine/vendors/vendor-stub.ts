import { http, HttpResponse, type HttpHandler } from 'msw';
import type { SideEffectLedger } from './side-effect-ledger.ts';

export interface StubRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** Raw body text (also what the ledger hashes). */
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: any;
  params: Record<string, string>;
}

export interface StubReply {
  status?: number;
  json?: unknown;
}

export type StubResolver = (request: StubRequest) => StubReply | Promise<StubReply>;

export interface VendorStubContext {
  ledger: SideEffectLedger;
  /** Real-time latency to add before replying (tests inject random latency to prove it changes nothing). */
  latencyMs?: () => number;
}

/**
 * One small factory builds a vendor's namespace of MSW handlers (the msw `http` way). Every call
 * through it is recorded in the side-effect ledger with its status and a hash of its body.
 */
export function vendorStub(vendor: string, baseUrl: string, ctx: VendorStubContext) {
  const base = baseUrl.replace(/\/$/, '');
  const wrap =
    (method: string, path: string, resolver: StubResolver) =>
    async ({ request, params }: { request: Request; params: Record<string, any> }) => {
      const text = await request.text();
      let json: any;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const latency = ctx.latencyMs?.() ?? 0;
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const url = new URL(request.url);
      const reply = await resolver({
        method,
        url,
        headers: request.headers,
        text,
        json,
        params: params as Record<string, string>,
      });
      const status = reply.status ?? 200;
      ctx.ledger.record(vendor, method, url.origin + url.pathname, status, text);
      return HttpResponse.json((reply.json ?? {}) as any, { status });
    };
  const route = (path: string) => (path.startsWith('http') ? path : base + path);
  return {
    post: (path: string, r: StubResolver): HttpHandler => http.post(route(path), wrap('POST', path, r)),
    put: (path: string, r: StubResolver): HttpHandler => http.put(route(path), wrap('PUT', path, r)),
    delete: (path: string, r: StubResolver): HttpHandler => http.delete(route(path), wrap('DELETE', path, r)),
    get: (path: string, r: StubResolver): HttpHandler => http.get(route(path), wrap('GET', path, r)),
  };
}
