// Placeholder until the state machine view lands.
export function StateMachine() {
  return (
    <section className="panel" aria-label="State machine">
      <h2 className="panel-title">State machine</h2>
    </section>
  );
}
