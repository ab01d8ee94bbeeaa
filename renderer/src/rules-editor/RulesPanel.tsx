// Placeholder until the Monaco rule editor lands.
export function RulesPanel() {
  return (
    <section className="panel" aria-label="Rules">
      <h2 className="panel-title">Rules</h2>
    </section>
  );
}
