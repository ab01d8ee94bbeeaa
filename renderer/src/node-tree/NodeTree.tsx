// The open image's stack from the last snapshot, top node first, as a compact path for the
// title bar (format ▸ filter ▸ protocol); each node's filename is in its tooltip.
import type { NodeSnapshot } from '../../../src/api';
import { useSessionStore } from '../session-store';

function NodeItem({ node, edge }: { node: NodeSnapshot; edge?: string }) {
  return (
    <li title={node.filename}>
      {edge && <span className="edge">{edge}: </span>}
      <code>{node.driver}</code>
      {node.children.length === 0 && <span className="muted node-file"> {node.filename}</span>}
      {node.readOnly && <span className="muted"> (read-only)</span>}
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
  if (error) return <p className="error node-tree">Session unavailable: {error}</p>;
  if (!snapshot?.image) return <p className="muted node-tree">No image open.</p>;
  return (
    <ul className="tree node-tree" aria-label="Node tree">
      <NodeItem node={snapshot.image.root} />
    </ul>
  );
}
