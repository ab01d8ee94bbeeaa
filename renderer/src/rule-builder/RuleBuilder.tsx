// Placeholder until the rule builder lands.
export function RuleBuilder() {
  return (
    <section className="panel" aria-label="Rule builder">
      <h2 className="panel-title">Rule builder</h2>
    </section>
  );
}
