import { describe, expect, it } from 'vitest';
import { parseServerUrl, SafetyError, trustContainerHost } from '../../engine/safety/index.ts';

describe('which servers facade-sim will connect to', () => {
  it('accepts loopback hosts and unix sockets', () => {
    expect(parseServerUrl('postgres://postgres@127.0.0.1:5432/postgres').host).toBe('127.0.0.1');
    expect(parseServerUrl('postgres://postgres@localhost/app').database).toBe('app');
    expect(parseServerUrl('postgres:///postgres?host=/var/run/postgresql').host).toBe('/var/run/postgresql');
  });

  it('refuses any other host unless allowed by its exact name', () => {
    expect(() => parseServerUrl('postgres://postgres@db.prod.example.com/app')).toThrow(
      /--allow-remote-host db\.prod\.example\.com/,
    );
    expect(
      parseServerUrl('postgres://postgres@db.staging.example.com/app', { allowRemoteHosts: ['db.staging.example.com'] })
        .port,
    ).toBe(5432);
  });

  it('trusts the bridge gateway only once a container this run started is reached through it', () => {
    // testcontainers, running inside a container, maps ports on the Docker bridge gateway.
    const gateway = 'postgres://postgres:sim@172.31.255.1:49153/postgres';
    expect(() => parseServerUrl(gateway)).toThrow(SafetyError);
    trustContainerHost('172.31.255.1');
    expect(parseServerUrl(gateway).port).toBe(49153);
    expect(() => parseServerUrl('postgres://postgres@172.31.255.2/postgres')).toThrow(/not a loopback host/);
  });
});
