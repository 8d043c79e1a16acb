import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

/**
 * The only bridge between the sandboxed renderer and the lab: `window.lab.invoke(method, params)`
 * and `window.lab.on(event, listener)`. It forwards; main validates every request against the
 * LabApi schemas and the renderer validates every reply, so nothing else is exposed here.
 */
type Listener = (payload: unknown) => void;

contextBridge.exposeInMainWorld('lab', {
  invoke: (method: string, params: unknown) => ipcRenderer.invoke('lab:invoke', method, params),
  on: (event: string, listener: Listener) => {
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('lab:event', wrapped);
    return () => {
      ipcRenderer.removeListener('lab:event', wrapped);
    };
  },
});
