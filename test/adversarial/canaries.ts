import dgram from 'node:dgram';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

/**
 * Servers on 127.0.0.1 that count every connection (TCP) and every datagram (UDP, also what a
 * resolver pointed at it would send): an egress attempt that got through shows here.
 */
export async function startCanaries() {
  let connections = 0;
  const count = (s: net.Server | http2.Http2Server) => s.on('connection', () => connections++);
  const httpServer = http.createServer((_q, r) => r.end('canary'));
  const h2 = http2.createServer();
  const raw = net.createServer((s) => s.end('PONG'));
  for (const s of [httpServer, h2, raw]) count(s as net.Server);
  const udp = dgram.createSocket('udp4');
  udp.on('message', () => connections++);
  const listen = (s: net.Server | http.Server | http2.Http2Server) =>
    new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));
  const ports = {
    http: await listen(httpServer),
    http2: await listen(h2),
    raw: await listen(raw),
    udp: await new Promise<number>((r) => udp.bind(0, '127.0.0.1', () => r(udp.address().port))),
  };
  return {
    ports,
    connections: () => connections,
    close: async () => {
      for (const s of [httpServer, h2, raw]) await new Promise((r) => (s as net.Server).close(() => r(null)));
      await new Promise((r) => udp.close(() => r(null)));
    },
  };
}
