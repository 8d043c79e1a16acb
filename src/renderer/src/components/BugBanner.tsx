/** A predicted kernel BUG: the headline of a prediction, above its tables and charts. */
export interface PredictedBug {
  message: string;
  where: string;
  condition: string;
  function: string;
  t: number;
}

export function BugBanner({ bug, label, testId }: { bug: PredictedBug; label?: string; testId?: string }) {
  return (
    <div className="bug bug-headline" role="alert" data-testid={testId}>
      <strong>{label ?? 'Predicted kernel BUG'}</strong> at {bug.where}: <code>{bug.condition}</code> in <code>{bug.function}</code>, at {bug.t.toFixed(3)} s
      <div className="muted">{bug.message} — the run ends there; nothing after it is predicted.</div>
    </div>
  );
}
