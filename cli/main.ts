import { installSignalHandlers } from '../engine/util/exit-cleanup.ts';
import { main } from './program.ts';

installSignalHandlers();
process.exitCode = await main(process.argv);
