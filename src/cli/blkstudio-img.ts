// `blkstudio img ...` on its own: bin/blkstudio hands the img subcommands to this bundle, which
// holds only the engine and qemu-img's front end, so a compare or check does not first load the
// app's web server, WebSocket and schema libraries (about 100 ms of start-up per run).
import { runImgCli } from './img/img-cli';

void runImgCli(process.argv.slice(3));
