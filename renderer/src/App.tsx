import type { ApiClient, Transport } from './api-client';
import { Console } from './console/Console';
import { NodeTree } from './node-tree/NodeTree';
import { useAppInfo } from './use-app-info';
import { useSession } from './use-session';

const TRANSPORT_LABEL: Record<Transport, string> = {
  ipc: 'Electron IPC',
  web: 'Web mode (WebSocket)',
};

export function App({ client }: { client: ApiClient }) {
  const { state, reload } = useAppInfo(client.api);
  const info = state.status === 'ready' ? state.info : undefined;
  const { run } = useSession(client.api);

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">blkstudio</h1>
        {info && (
          <span className="badge" aria-label="Version">
            v{info.version}
          </span>
        )}
        <span className="spacer" />
        <span className="transport" aria-label="Transport">
          {TRANSPORT_LABEL[client.transport]}
        </span>
      </header>

      <main className="content">
        <p className="tagline">A workbench for testing storage code against disk faults.</p>

        <section className="card" aria-labelledby="drivers-heading">
          <div className="card-head">
            <h2 id="drivers-heading">Engine drivers</h2>
            <button type="button" onClick={reload} disabled={state.status === 'loading'}>
              Reload
            </button>
          </div>
          {state.status === 'loading' && <p className="muted">Loading…</p>}
          {state.status === 'error' && (
            <p role="alert" className="error">
              Could not reach the engine: {state.message}
            </p>
          )}
          {info && (
            <ul className="drivers" aria-label="Engine drivers">
              {info.engine.drivers.map((d) => (
                <li key={d}>
                  <code>{d}</code>
                </li>
              ))}
            </ul>
          )}
        </section>

        <NodeTree />
        <Console run={run} />
      </main>

      <footer className="statusbar" role="status" aria-live="polite">
        {info ? `${info.name} ${info.version} · ${info.engine.drivers.length} drivers · ${TRANSPORT_LABEL[client.transport]}` : 'Connecting…'}
      </footer>
    </div>
  );
}
