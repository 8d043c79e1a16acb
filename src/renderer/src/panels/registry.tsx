import type { ReactNode } from 'react';
import type { LabApi } from '../../../shared/api/labApi';
import type { HostFacts } from '../../../shared/hostFacts';
import { HostPanel } from './HostPanel';
import { SimulatorPanel } from './SimulatorPanel';
import { ExperimentsPanel } from './ExperimentsPanel';
import { TestboxPanel } from './TestboxPanel';
import { KnobsPanel } from './KnobsPanel';
import { HostsPanel } from './HostsPanel';
import { TelemetryPanel } from './TelemetryPanel';

/**
 * The lab's views, one file each. A feature adds its panel here (one line) and nowhere else in
 * the app shell, so features do not edit each other's code.
 */
export interface PanelProps {
  lab: LabApi;
  /** The host the user picked (a canonical target string). */
  target: string;
  /** Its facts, once probed. */
  facts: HostFacts | undefined;
  /** Makes another host the current one (e.g. a virtual NUMA box just booted). */
  selectTarget?: (target: string) => void;
  /**
   * Whether this view is the one shown. Views stay mounted once visited (hidden while another is
   * shown, so their forms and results survive a switch): one that must refresh when shown again
   * watches this.
   */
  active?: boolean;
}

export interface PanelDef {
  id: string;
  title: string;
  /** Panels that need no host (the simulator) stay usable before any host answers. */
  needsHost: boolean;
  render: (p: PanelProps) => ReactNode;
}

export const PANELS: PanelDef[] = [
  { id: 'host', title: 'Host', needsHost: true, render: (p) => <HostPanel {...p} /> },
  { id: 'experiments', title: 'Experiments', needsHost: true, render: (p) => <ExperimentsPanel {...p} /> },
  { id: 'simulator', title: 'Simulator', needsHost: false, render: (p) => <SimulatorPanel {...p} /> },
  { id: 'knobs', title: 'Knobs', needsHost: true, render: (p) => <KnobsPanel {...p} /> },
  { id: 'hosts', title: 'Hosts', needsHost: false, render: (p) => <HostsPanel {...p} /> },
  { id: 'testbox', title: 'NUMA box', needsHost: false, render: (p) => <TestboxPanel {...p} /> },
  { id: 'telemetry', title: 'Telemetry', needsHost: true, render: (p) => <TelemetryPanel {...p} /> },
];
