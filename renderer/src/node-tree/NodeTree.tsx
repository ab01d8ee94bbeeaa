// The open image's node tree from the last snapshot.
import type { NodeSnapshot } from '../../../src/api';
import { useSessionStore } from '../session-store';

function NodeItem({ node, edge }: { node: NodeSnapshot; edge?: string }) {
  return (
    <li>
      <span className="node">
        {edge && <span className="edge">{edge}: </span>}
        <code>{node.driver}</code> <span className="muted">{node.filename}</span>
        {node.readOnly && <span className="muted"> (read-only)</span>}
      </span>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <NodeItem key={c.name} node={c.node} edge={c.name} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function NodeTree() {
  const snapshot = useSessionStore((s) => s.snapshot);
  const error = useSessionStore((s) => s.error);
  return (
    <section className="card" aria-labelledby="nodes-heading">
      <h2 id="nodes-heading">Node tree</h2>
      {error && <p className="error">Session unavailable: {error}</p>}
      {!error && !snapshot?.image && <p className="muted">No image open.</p>}
      {snapshot?.image && (
        <ul className="tree" aria-label="Node tree">
          <NodeItem node={snapshot.image.root} />
        </ul>
      )}
    </section>
  );
}
