import type { AcceleratorChoice } from '../../../../shared/testbox/api';

/** Which accelerator a box booted here gets (KVM or TCG), why, and what TCG costs. */
export function AcceleratorNote({ choice, error }: { choice: AcceleratorChoice | undefined; error: string | undefined }) {
  if (error) return <p className="muted small">accelerator: could not tell ({error})</p>;
  if (!choice) return <p className="muted small">accelerator: checking /dev/kvm…</p>;
  const label = choice.expected === 'kvm' ? 'KVM' : choice.expected === 'tcg' ? 'TCG' : 'KVM, if a probe boot works';
  return (
    <div className={`accel-note accel-${choice.expected}`} data-testid="tb-accel">
      <strong>Accelerator here: {label}.</strong> <span data-testid="tb-accel-reason">{choice.reason}</span>
      {choice.expected !== 'kvm' && <div className="muted small">{choice.tcgNote}</div>}
      {choice.qemu && <div className="muted small">{choice.qemu}</div>}
    </div>
  );
}
