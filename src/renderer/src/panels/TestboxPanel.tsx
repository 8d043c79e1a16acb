import type { VariantDefinition } from '../../../shared/sim/behaviours';
import { useCallback, useEffect, useState } from 'react';
import type { LabResult } from '../../../shared/api/labApi';
import type { PanelProps } from './registry';
import { KernelBuildForm } from './testbox/KernelBuildForm';
import { KernelPicker } from '../components/KernelPicker';

type Box = LabResult<'testbox.list'>[number];
type Built = LabResult<'kernel.builds'>[number];

/**
 * The virtual NUMA box dialog: boot Debian's 6.1 or 6.12 kernel with N NUMA nodes in QEMU and
 * use it as a host (testbox:<name>) — the way to study migration without a multi-socket machine.
 */
export function TestboxPanel({ lab, selectTarget }: PanelProps) {
  const [boxes, setBoxes] = useState<Box[]>([]);
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

  const refresh = useCallback(() => lab.invoke('testbox.list', {}).then(setBoxes, (e: Error) => setError(e.message)), [lab]);
  const refreshBuilds = useCallback(() => lab.invoke('kernel.builds', {}).then(setBuilds, () => {}), [lab]);
  useEffect(() => {
    void refresh();
    void refreshBuilds();
    lab.invoke('sim.variants', {}).then((vs) => setVariants(vs.map((v) => v.name)), () => {});
    lab.invoke('sim.savedVariants', {}).then(setSaved, () => {});
    return lab.on('testbox.log', (p) => setLog((l) => [...l.slice(-30), p.line]));
  }, [lab, refresh, refreshBuilds]);

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
      <section className="panel">
        <h2>Boxes</h2>
        <table className="deltas" data-testid="tb-list">
          <thead>
            <tr>
              <th>target</th>
              <th>state</th>
              <th>kernel</th>
              <th>model</th>
              <th>topology</th>
              <th>accelerator</th>
              <th>boot</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {boxes.map((b) => (
              <tr key={b.name}>
                <td>{b.target}</td>
                <td>{b.running ? 'running' : 'stopped'}</td>
                <td>{b.release}</td>
                <td title={b.variantCoverage ?? 'verified on this release'}>
                  {b.variant ?? '—'}
                  {b.variantCoverage ? ' *' : ''}
                </td>
                <td>
                  {b.nodes} × ({b.cpusPerNode} CPU, {b.memPerNodeMiB} MiB)
                </td>
                <td>{b.accelerator}</td>
                <td>{(b.bootMs / 1000).toFixed(1)} s</td>
                <td>
                  {b.running && (
                    <>
                      <button className="action" onClick={() => selectTarget?.(b.target)}>
                        Use
                      </button>{' '}
                      <button className="action" onClick={() => lab.invoke('testbox.down', { name: b.name }).then(refresh, (e: Error) => setError(e.message))}>
                        Power off
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
