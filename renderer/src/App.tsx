// The workbench: rules (text and builder) on the left; the state machine, suspended requests and
// the qemu-io console on the right. Every view reads the session store and the rules store.
import { ApiProvider } from './api-context';
import type { ApiClient, Transport } from './api-client';
import { Console } from './console/Console';
import { NewImage } from './new-image/NewImage';
import { NodeTree } from './node-tree/NodeTree';
import { RuleBuilder } from './rule-builder/RuleBuilder';
import { useRulesSync } from './rules/use-rules';
import { RulesPanel } from './rules-editor/RulesPanel';
import { SectorDiff } from './sector-diff/SectorDiff';
import { StateMachine } from './state-machine/StateMachine';
import { SuspendedRequests } from './suspended/SuspendedRequests';
import { Timeline } from './timeline/Timeline';
import { useAppInfo } from './use-app-info';
import { useSession } from './use-session';
import { WorkspaceBanner } from './workspace/WorkspaceBanner';

const TRANSPORT_LABEL: Record<Transport, string> = {
  ipc: 'Electron IPC',
  web: 'Web mode (WebSocket)',
};

/** Effects that keep the stores in step with the engine; renders nothing. */
function RulesSync() {
  useRulesSync();
  return null;
}

export function App({ client }: { client: ApiClient }) {
  const { state, reload } = useAppInfo(client.api);
  const info = state.status === 'ready' ? state.info : null;
  const { run } = useSession(client.api);

  return (
    <ApiProvider api={client.api} info={info}>
      <RulesSync />
      <div className="app">
        <header className="topbar">
          <h1 className="brand">blkstudio</h1>
          {info && (
            <span className="badge" aria-label="Version">
              v{info.version}
            </span>
          )}
          <NodeTree />
          <span className="spacer" />
          <NewImage />
          <span className="transport" aria-label="Transport">
            {TRANSPORT_LABEL[client.transport]}
          </span>
          <details className="about">
            <summary>Engine</summary>
            <div className="about-body">
              <div className="card-head">
                <h2 id="drivers-heading">Engine drivers</h2>
                <button type="button" onClick={reload} disabled={state.status === 'loading'}>
                  Reload
                </button>
              </div>
              {state.status === 'loading' && <p className="muted">Loading…</p>}
              {info && (
                <ul className="drivers" aria-label="Engine drivers">
                  {info.engine.drivers.map((d) => (
                    <li key={d}>
                      <code>{d}</code>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </details>
        </header>
        <WorkspaceBanner run={run} />
        {state.status === 'error' && (
          <p role="alert" className="error banner">
            Could not reach the engine: {state.message}
          </p>
        )}

        <main className="workbench">
          <div className="column column-rules">
            <RulesPanel />
            <RuleBuilder />
          </div>
          <div className="column column-run">
            <StateMachine />
            <SuspendedRequests />
            <Console run={run} />
          </div>
        </main>

        <section className="analysis" aria-label="Analysis">
          <SectorDiff />
          <Timeline />
        </section>

        <footer className="statusbar" role="status" aria-live="polite">
          {info ? `${info.name} ${info.version} · ${info.engine.drivers.length} drivers · ${TRANSPORT_LABEL[client.transport]}` : 'Connecting…'}
        </footer>
      </div>
    </ApiProvider>
  );
}
