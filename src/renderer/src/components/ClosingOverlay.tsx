/** Shown once the lab says it is closing: the app stays up until knobs are back and runs ended. */
export function ClosingOverlay({ steps }: { steps: string[] }) {
  return (
    <div className="closing-overlay" role="status" data-testid="closing-overlay">
      <div className="panel">
        <h2>NUMA Lab is closing</h2>
        <ul>
          {steps.map((s) => (
            <li key={s}>{s}…</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
