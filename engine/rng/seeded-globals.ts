import { webcrypto } from 'node:crypto';
import nodeCrypto from 'node:crypto';
import { RandomStream } from './random-stream.ts';

export type GlobalRandomMode = 'seeded' | 'strict';

/**
 * During a run, app code that reaches for Math.random, crypto.randomUUID or getRandomValues gets
 * a seeded stream ('seeded') or an error naming the call ('strict'): either way nothing
 * unseeded can leak into the snapshot. Returns the function that puts the originals back.
 */
export function installSeededGlobals(stream: RandomStream, mode: GlobalRandomMode = 'seeded'): () => void {
  const originalRandom = Math.random;
  const originalUuid = nodeCrypto.randomUUID;
  const originalGetRandomValues = webcrypto.getRandomValues;
  const trip = (name: string) => () => {
    throw new Error(
      `${name} was called during a strict simulation run; route randomness through the simulator's seeded streams`,
    );
  };
  const uuid = mode === 'strict' ? trip('crypto.randomUUID') : () => stream.uuid();
  Math.random = mode === 'strict' ? trip('Math.random') : () => stream.next();
  (nodeCrypto as any).randomUUID = uuid;
  (webcrypto as any).randomUUID = uuid;
  const getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
    if (mode === 'strict') trip('crypto.getRandomValues')();
    if (array) stream.bytes(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  };
  (webcrypto as any).getRandomValues = getRandomValues;
  return () => {
    Math.random = originalRandom;
    (nodeCrypto as any).randomUUID = originalUuid;
    (webcrypto as any).randomUUID = originalUuid;
    (webcrypto as any).getRandomValues = originalGetRandomValues;
  };
}
