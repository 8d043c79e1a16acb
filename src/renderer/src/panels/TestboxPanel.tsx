import type { VariantDefinition } from '../../../shared/sim/behaviours';
import { useCallback, useEffect, useState } from 'react';
import type { LabResult } from '../../../shared/api/labApi';
import type { PanelProps } from './registry';
import { KernelBuildForm } from './testbox/KernelBuildForm';
import { KernelPicker } from '../components/KernelPicker';
import type { AcceleratorChoice, TestboxSummary } from '../../../shared/testbox/api';
import { AcceleratorNote } from './testbox/AcceleratorNote';
import { BoxTable } from './testbox/BoxTable';
import { PowerOffDialog } from './testbox/PowerOffDialog';

type Built = LabResult<'kernel.builds'>[number];

/**
 * The virtual NUMA box dialog: boot Debian's 6.1 or 6.12 kernel with N NUMA nodes in QEMU and
 * use it as a host (testbox:<name>) — the way to study migration without a multi-socket machine.
 */
export function TestboxPanel({ lab, selectTarget, active }: PanelProps) {
  const [boxes, setBoxes] = useState<TestboxSummary[]>([]);
  /** When the list was read (this page's clock): uptimes count on from there. */
  const [listedAt, setListedAt] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [accel, setAccel] = useState<AcceleratorChoice | undefined>();
  const [accelError, setAccelError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<TestboxSummary | undefined>();
  const [downing, setDowning] = useState<string | undefined>();
  const [downError, setDownError] = useState<string | undefined>();
  const [kernel, setKernel] = useState('6.12');
  const [nodes, setNodes] = useState(2);
  const [memMiB, setMemMiB] = useState(1024);
  const [cpus, setCpus] = useState(1);
  const [busy, setBusy] = useState(false);
  const [log, setLog] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [builds, setBuilds] = useState<Built[]>([]);
  const [variants, setVariants] = useState<string[]>([]);
  const [saved, setSaved] = useState<VariantDefinition[]>([]);

  const refresh = useCallback(
    () =>
      lab.invoke('testbox.list', {}).then(
        (bs) => {
          setBoxes(bs);
          setListedAt(Date.now());
        },
        (e: Error) => setError(e.message),
      ),
    [lab],
  );
  const refreshBuilds = useCallback(() => lab.invoke('kernel.builds', {}).then(setBuilds, () => {}), [lab]);
  useEffect(() => {
    void refreshBuilds();
    lab.invoke('sim.variants', {}).then((vs) => setVariants(vs.map((v) => v.name)), () => {});
    lab.invoke('sim.savedVariants', {}).then(setSaved, () => {});
    lab.invoke('testbox.accelerator', {}).then(setAccel, (e: Error) => setAccelError(e.message));
    const offLog = lab.on('testbox.log', (p) => setLog((l) => [...l.slice(-30), p.line]));
    // Boxes booted or powered off by this lab elsewhere (an A/B run, another window) show at once.
    const offChanged = lab.on('testbox.changed', () => void refresh());
    return () => {
      offLog();
      offChanged();
    };
  }, [lab, refresh, refreshBuilds]);

  // While shown: uptimes tick every second, and the list is read again every 10 s, so a box
  // powered off (or an owner that exited) elsewhere shows without a reload.
  const anyRunning = boxes.some((b) => b.running);
  useEffect(() => {
    if (active === false) return;
    void refresh();
    const poll = setInterval(() => void refresh(), 10_000);
    return () => clearInterval(poll);
  }, [active, refresh]);
  useEffect(() => {
    if (active === false || !anyRunning) return;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [active, anyRunning]);

  const uptimeOf = (b: TestboxSummary) => (b.running && b.uptimeMs != null ? b.uptimeMs + Math.max(0, now - listedAt) : null);
  const mine = boxes.filter((b) => b.owner === 'this-lab');
  const elsewhere = boxes.filter((b) => b.owner !== 'this-lab');

  const powerOff = async (b: TestboxSummary) => {
    setConfirming(undefined);
    setDowning(b.name);
    setDownError(undefined);
    try {
      await lab.invoke('testbox.down', { name: b.name });
    } catch (e) {
      setDownError(`${b.target}: ${(e as Error).message}`);
    } finally {
      setDowning(undefined);
      await refresh();
    }
  };

  const up = async (which = kernel) => {
    setBusy(true);
    setError(undefined);
    setLog([]);
    try {
      const box = await lab.invoke('testbox.up', { kernel: which, nodes, memPerNodeMiB: memMiB, cpusPerNode: cpus });
      await refresh();
      selectTarget?.(box.target);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sim-panel" data-testid="testbox">
      <section className="panel">
        <h2>Virtual NUMA box — a real Debian kernel with several NUMA nodes in QEMU</h2>
        <div className="sim-form">
          <fieldset>
            <legend>Box</legend>
            <label className="field">
              <span>kernel</span>
              <KernelPicker testId="tb-kernel" value={kernel} builds={builds} onChange={setKernel} maxWidth="40em" />
            </label>
            <label className="field">
              <span>nodes</span>
              <input data-testid="tb-nodes" value={nodes} size={3} onChange={(e) => setNodes(Math.max(1, Number(e.target.value) || 1))} />
            </label>
            <label className="field">
              <span>MiB/node</span>
              <input value={memMiB} size={6} onChange={(e) => setMemMiB(Math.max(128, Number(e.target.value) || 1024))} />
            </label>
            <label className="field">
              <span>CPUs/node</span>
              <input value={cpus} size={3} onChange={(e) => setCpus(Math.max(1, Number(e.target.value) || 1))} />
            </label>
          </fieldset>
        </div>
        <div className="actions">
          <button className="action" data-testid="tb-up" disabled={busy} onClick={() => void up()}>
            {busy ? 'Booting…' : 'Boot and use as host'}
          </button>
          <span className="muted">Debian's kernels come from its packages (cached after the first time); build your own below, or from the CLI: numa-lab kernel build, numa-lab testbox up --kernel /path/bzImage</span>
        </div>
        <AcceleratorNote choice={accel} error={accelError} />
        {log.length > 0 && <pre className="log">{log.join('\n')}</pre>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </section>
      <KernelBuildForm
        lab={lab}
        variants={variants}
        saved={saved}
        busy={busy}
        onBuilt={() => void refreshBuilds()}
        onBoot={(k) => {
          setKernel(`build:${k.key}`);
          void up(`build:${k.key}`);
        }}
      />
      <section className="panel" data-testid="tb-boxes">
        <h2>Boxes started by this lab</h2>
        {mine.length ? (
          <BoxTable boxes={mine} testId="tb-list" uptimeOf={uptimeOf} downing={downing} onUse={(b) => selectTarget?.(b.target)} onPowerOff={setConfirming} tcgNote={accel?.tcgNote} />
        ) : (
          <p className="muted" data-testid="tb-list-empty">
            none yet: boot one above
          </p>
        )}
        {elsewhere.length > 0 && (
          <>
            <h2 className="boxes-elsewhere-title">Started elsewhere</h2>
            <p className="muted small">
              Booted by another process: a <code>numa-lab testbox up</code> or <code>numa-lab ab</code> in a terminal, or another lab. This lab can use them and power them off too.
            </p>
            <BoxTable boxes={elsewhere} testId="tb-list-elsewhere" uptimeOf={uptimeOf} downing={downing} onUse={(b) => selectTarget?.(b.target)} onPowerOff={setConfirming} tcgNote={accel?.tcgNote} />
          </>
        )}
        {downError && (
          <p className="error" role="alert" data-testid="tb-down-error">
            {downError}
          </p>
        )}
      </section>
      {confirming && (
        <PowerOffDialog
          lab={lab}
          box={confirming}
          uptimeMs={uptimeOf(confirming)}
          onCancel={() => setConfirming(undefined)}
          onConfirm={() => void powerOff(confirming)}
        />
      )}
    </div>
  );
}
