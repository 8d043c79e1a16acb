import {
  LabApiError,
  parseLabEvent,
  parseLabResult,
  type LabApi,
  type LabEvent,
  type LabMethod,
  type LabParams,
  type LabResult,
} from '../../../shared/api/labApi';
import { connectWebSocket, type RawLab } from './wsClient';
import { labErrorCode } from '../../../shared/api/errorCodes';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser (headless mode). */
    lab?: RawLab;
  }
}

/** Wraps a raw transport into the typed LabApi, validating every reply and event it receives. */
export function typedLab(raw: RawLab): LabApi {
  return {
    async invoke<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>> {
      const reply = await raw.invoke(method, params);
      if (!reply.ok) throw new LabApiError(reply.error.message, labErrorCode(reply.error.code));
      return parseLabResult(method, reply.result);
    },
    on(event, listener) {
      return raw.on(event, (payload) => {
        try {
          listener(parseLabEvent(event as LabEvent, payload) as never);
        } catch (e) {
          console.error(e);
        }
      });
    },
  };
}

/** Electron's preload bridge when present, otherwise the headless server's WebSocket. */
export function connectLab(): { lab: LabApi; via: 'ipc' | 'websocket' } {
  if (window.lab) return { lab: typedLab(window.lab), via: 'ipc' };
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { lab: typedLab(connectWebSocket(`${proto}//${location.host}/api`)), via: 'websocket' };
}
