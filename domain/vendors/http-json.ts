/** The vendor answered (any status) or the network failed (status 0). Vendor clients never throw on HTTP errors. */
export interface VendorResponse {
  status: number;
  body: any;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  method = 'POST',
): Promise<VendorResponse> {
  try {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  } catch (error) {
    return { status: 0, body: { error: { type: 'network_error', message: (error as Error).message } } };
  }
}
