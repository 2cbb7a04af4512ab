import { loadTestcontainers } from '../db/load-testcontainers.ts';
import { OWNER_LABEL } from '../reaper/reaper.ts';
import { ownerGone } from './owner-gone.ts';

export interface CleanedContainer {
  kind: 'container' | 'volume';
  /** A container's short id, a volume's name. */
  name: string;
  ownerPid: number;
  ownerHost: string;
  action: 'removed' | 'would remove';
}

/**
 * Removes the containers and data volumes a run made whose process is gone: its reaper removes
 * them when the run dies, unless the reaper was killed too. Only those labelled with an owner
 * (`OWNER_LABEL`, `<pid>@<host>`) on this host are considered, so a container `sim restore
 * --engine docker` left running for the user is never touched. Resolves undefined when no
 * container runtime answers (nothing to clean there).
 */
export async function cleanContainers(
  o: { dryRun?: boolean; log?: (line: string) => void } = {},
): Promise<CleanedContainer[] | undefined> {
  const log = o.log ?? (() => {});
  let dockerode;
  try {
    const { getContainerRuntimeClient } = await loadTestcontainers();
    dockerode = (await getContainerRuntimeClient()).container.dockerode;
  } catch (error) {
    log(`containers: no container runtime answered (${String((error as Error).message).split('\n')[0]}); skipped`);
    return undefined;
  }
  const cleaned: CleanedContainer[] = [];
  const gone = (kind: CleanedContainer['kind'], name: string, label: string | undefined) => {
    const m = /^(\d+)@(.+)$/.exec(label ?? '');
    if (!m) return undefined;
    const owner = { pid: Number(m[1]), host: m[2]! };
    return ownerGone(`${kind} ${name}`, owner, log) ? { ownerPid: owner.pid, ownerHost: owner.host } : undefined;
  };
  const containers = await dockerode.listContainers({ all: true, filters: { label: [OWNER_LABEL] } });
  for (const c of containers) {
    const name = c.Id.slice(0, 12);
    const owner = gone('container', name, c.Labels[OWNER_LABEL]);
    if (!owner) continue;
    if (!o.dryRun) await dockerode.getContainer(c.Id).remove({ force: true, v: true });
    cleaned.push({ kind: 'container', name, ...owner, action: o.dryRun ? 'would remove' : 'removed' });
  }
  // Volumes after containers: a volume is free once the container that mounted it is gone.
  const { Volumes: volumes } = await dockerode.listVolumes({ filters: { label: [OWNER_LABEL] } });
  for (const v of volumes ?? []) {
    const owner = gone('volume', v.Name, v.Labels?.[OWNER_LABEL]);
    if (!owner) continue;
    if (!o.dryRun) await dockerode.getVolume(v.Name).remove();
    cleaned.push({ kind: 'volume', name: v.Name, ...owner, action: o.dryRun ? 'would remove' : 'removed' });
  }
  return cleaned;
}
