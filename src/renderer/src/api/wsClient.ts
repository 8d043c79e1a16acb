import { WireReplySchema, WireEventSchema } from '../../../shared/api/wire';

/**
 * LabApi over the headless server's WebSocket. Same-origin: the token travels in the HttpOnly
 * cookie the server set when the page was opened with ?token=.
 */
export interface RawLab {
  invoke(method: string, params: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: { message: string; code: string } }>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

export function connectWebSocket(url: string): RawLab {
  let nextId = 1;
  const pending = new Map<number, (reply: { ok: true; result: unknown } | { ok: false; error: { message: string; code: string } }) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const queue: string[] = [];
  let ws: WebSocket | undefined;
  let closedReason: string | undefined;

  const failAll = (why: string) => {
    for (const [, resolve] of pending) resolve({ ok: false, error: { message: why, code: 'disconnected' } });
    pending.clear();
  };

  const open = () => {
    ws = new WebSocket(url);
    ws.onopen = () => {
      for (const m of queue.splice(0)) ws!.send(m);
    };
    ws.onmessage = (m) => {
      let data: unknown;
      try {
        data = JSON.parse(String(m.data));
      } catch {
        return;
      }
      const reply = WireReplySchema.safeParse(data);
      if (reply.success) {
        const r = reply.data;
        pending.get(r.id)?.(r.ok ? { ok: true, result: r.result } : { ok: false, error: r.error });
        pending.delete(r.id);
        return;
      }
      const ev = WireEventSchema.safeParse(data);
      if (ev.success) for (const l of listeners.get(ev.data.event) ?? []) l(ev.data.payload);
    };
    ws.onclose = (e) => {
      closedReason = `the connection to the lab closed (${e.code}${e.reason ? `: ${e.reason}` : ''})`;
      failAll(closedReason);
    };
  };
  open();

  return {
    invoke(method, params) {
      if (closedReason) return Promise.resolve({ ok: false, error: { message: closedReason, code: 'disconnected' } });
      const id = nextId++;
      const frame = JSON.stringify({ id, method, params });
      return new Promise((resolve) => {
        pending.set(id, resolve);
        if (ws?.readyState === WebSocket.OPEN) ws.send(frame);
        else queue.push(frame);
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set!.delete(listener);
    },
  };
}
