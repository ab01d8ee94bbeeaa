// `blkstudio nbd ...` (qemu-nbd): loads only the engine and the NBD server, to start fast.
import { utf8ToBinaryString } from '../common/binary-string';
import { runNbdCli } from './nbd/main';

// Arguments as the bytes the shell passed (binary strings), like C's argv (as blkstudio-io).
void runNbdCli(process.argv.slice(3).map(utf8ToBinaryString));
