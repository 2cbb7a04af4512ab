import { setupServer } from 'msw/node';
import type { HttpHandler } from 'msw';

export class UnstubbedRequestError extends Error {
  readonly exitCode = 4;
  constructor(readonly destination: string) {
    super(
      `unstubbed vendor call: ${destination}. Every outbound request must have a vendor stub; add a handler for ` +
        `it in the scenario's vendor stubs (the run fails even if the app swallowed the error)`,
    );
  }
}

/**
 * MSW with `onUnhandledRequest: 'error'` plus a `request:unhandled` listener: the error strategy
 * rejects the request, but an app that catches it would carry on, so the listener records it and
 * `assertClean()` fails the run regardless (msw#951: MSW works at the process level, not the run level).
 */
export function startVendorHarness(handlers: HttpHandler[]) {
  const server = setupServer(...handlers);
  const unhandled: string[] = [];
  server.events.on('request:unhandled', ({ request }) => {
    unhandled.push(`${request.method} ${request.url}`);
  });
  server.listen({ onUnhandledRequest: 'error' });
  return {
    unhandled,
    assertClean(): void {
      if (unhandled.length > 0) throw new UnstubbedRequestError(unhandled[0]!);
    },
    close(): void {
      server.close();
    },
  };
}
