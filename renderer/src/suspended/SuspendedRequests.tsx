// Placeholder until the suspended requests view lands.
export function SuspendedRequests() {
  return (
    <section className="panel" aria-label="Suspended requests">
      <h2 className="panel-title">Suspended requests</h2>
    </section>
  );
}
