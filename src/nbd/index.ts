// The NBD server: serve a block backend to NBD clients over any byte stream.
export { NbdServer, type NbdClientEvent, type NbdClientInfo, type NbdExportSpec, type NbdServerOptions } from './server';
export type { NbdConnection, NbdTransport } from './transport';
