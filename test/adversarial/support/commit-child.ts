// Commits version `b` of a two-directory snapshot group in a process of its own, so a test can
// SIGKILL it at a chosen file operation (SIM_TEST_KILL_AT_COMMIT_STEP) and look at what is left.
import { acquireDirLock } from '../../../engine/util/dir-lock.ts';
import { commitSnapshots, groupLockDir } from '../../../engine/snapshot/snapshot-commit.ts';
import { groupVersions } from './snapshot-group.ts';

const parent = process.argv[2]!;
const release = acquireDirLock(groupLockDir(parent, 'tiny'), 'commit-child');
const steps = commitSnapshots(groupVersions(parent, 'b'));
release();
process.stdout.write(`${steps}\n`);
