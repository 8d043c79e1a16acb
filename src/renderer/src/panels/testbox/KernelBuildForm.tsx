import { overrideWords, type VariantDefinition } from '../../../../shared/sim/behaviours';
import { useEffect, useState } from 'react';
import type { LabApi, LabResult } from '../../../../shared/api/labApi';
import type { BuildProgress } from '../../../../shared/testbox/api';

type Built = LabResult<'kernel.build'>;

/**
 * "Build kernel": a source (Debian's linux-source, or a tree of the user's), patches applied in
 * order, a config fragment over the box's own, and the model variant the patch is meant to
 * follow. The build runs in the main process (out of tree, cached by its inputs); progress and
 * the log come as events, and a failed build shows make's last lines.
 */
export function KernelBuildForm({ lab, variants, saved, onBuilt, onBoot, busy }: { lab: LabApi; variants: string[]; saved: VariantDefinition[]; onBuilt: () => void; onBoot: (k: Built) => void; busy: boolean }) {
  const [source, setSource] = useState<'debian:6.12' | 'debian:6.1' | 'dir'>('debian:6.12');
  const [dir, setDir] = useState('');
  const [patches, setPatches] = useState('');
  const [fragment, setFragment] = useState('');
  const [variant, setVariant] = useState('');
  const [building, setBuilding] = useState(false);
  const [progress, setProgress] = useState<BuildProgress | undefined>();
  const [log, setLog] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [built, setBuilt] = useState<Built | undefined>();

  useEffect(() => {
    const offP = lab.on('kernel.buildProgress', setProgress);
    const offL = lab.on('kernel.buildLog', (p) => setLog((l) => [...l.slice(-12), p.line]));
    return () => {
      offP();
      offL();
    };
  }, [lab]);

  const build = async () => {
    setBuilding(true);
    setError(undefined);
    setBuilt(undefined);
    setProgress(undefined);
    setLog([]);
    try {
      const k = await lab.invoke('kernel.build', {
        source: source === 'dir' ? dir.trim() : source,
        patches: patches.split('\n').map((p) => p.trim()).filter(Boolean),
        ...(fragment.trim() ? { configFragment: fragment.trim() } : {}),
        // A saved variant goes as its definition: the build records the switches, not a name the store may forget.
        ...(variant ? { variant: variant.startsWith('saved:') ? saved.find((s) => s.name === variant.slice(6)) ?? variant.slice(6) : variant } : {}),
      });
      setBuilt(k);
      onBuilt();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBuilding(false);
    }
  };

  const pct = progress ? Math.min(100, (progress.built / Math.max(1, progress.total)) * 100) : 0;
  return (
    <section className="panel" data-testid="kb">
      <h2>Build kernel — your tree or Debian's source, your patches, booted as a NUMA box</h2>
      <div className="sim-form">
        <fieldset>
          <legend>Source</legend>
          <label className="field">
            <span>tree</span>
            <select data-testid="kb-source" value={source} onChange={(e) => setSource(e.target.value as typeof source)}>
              <option value="debian:6.12">Debian linux-source-6.12 (trixie)</option>
              <option value="debian:6.1">Debian linux-source-6.1 (bookworm)</option>
              <option value="dir">a source tree on this machine…</option>
            </select>
          </label>
          {source === 'dir' && (
            <label className="field">
              <span>path</span>
              <input data-testid="kb-dir" value={dir} size={40} placeholder="/home/me/linux (never written: the lab builds a copy)" onChange={(e) => setDir(e.target.value)} />
            </label>
          )}
        </fieldset>
        <fieldset>
          <legend>Changes</legend>
          <label className="field">
            <span>patches (one path per line, applied in order)</span>
            <textarea data-testid="kb-patches" value={patches} rows={3} cols={48} placeholder="/home/me/0001-mm-migrate-….patch" onChange={(e) => setPatches(e.target.value)} />
          </label>
          <label className="field">
            <span>config fragment</span>
            <input data-testid="kb-fragment" value={fragment} size={40} placeholder="optional: CONFIG_X=y lines over the box's own" onChange={(e) => setFragment(e.target.value)} />
          </label>
          <label className="field">
            <span>model variant</span>
            <select data-testid="kb-variant" value={variant} onChange={(e) => setVariant(e.target.value)}>
              <option value="">the release's</option>
              {variants.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
              {saved.map((s) => (
                <option key={s.name} value={`saved:${s.name}`}>
                  {s.name} (saved: {s.base} + {overrideWords(s.behaviours).join(' ')})
                </option>
              ))}
            </select>
          </label>
        </fieldset>
      </div>
      <div className="actions">
        <button className="action" data-testid="kb-build" disabled={building} onClick={build}>
          {building ? 'Building…' : 'Build kernel'}
        </button>
        {progress && (
          <div className="progress" data-testid="kb-progress">
            <div className="bar" style={{ width: `${pct}%` }} />
            <span>
              {progress.built} of {progress.estimated ? '~' : ''}
              {progress.total} objects{progress.last ? ` · ${progress.last}` : ''}
            </span>
          </div>
        )}
        <span className="muted">tinyconfig + the box's options (resources/kernel/numa-box.config) + yours; a second build of the same inputs is instant, a one-file change rebuilds one file</span>
      </div>
      {log.length > 0 && <pre className="log">{log.join('\n')}</pre>}
      {error && (
        <pre className="error" role="alert" data-testid="kb-error">
          {error}
        </pre>
      )}
      {built && (
        <div className="actions" data-testid="kb-result">
          <span>
            built <b>{built.release}</b> {built.cached ? '(cached)' : `in ${(built.buildMs / 1000).toFixed(0)} s, ${built.objectsBuilt} objects`} · key {built.key}
            {built.variant ? ` · model ${typeof built.variant === 'string' ? built.variant : built.variant.name}` : ''}
          </span>
          <button className="action" data-testid="kb-boot" disabled={busy} onClick={() => onBoot(built)}>
            Boot this kernel
          </button>
        </div>
      )}
    </section>
  );
}
