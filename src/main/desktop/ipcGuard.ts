/**
 * Who may call LabApi over IPC: only the app's own page, as the top frame of the app's window.
 * An event whose frame is gone (null: navigated away or destroyed before the call arrived), a
 * sub-frame, another window's contents, or any other file:// page is refused.
 */
export interface IpcSender {
  senderId: number;
  senderFrame: { url: string; parent: unknown } | null;
}

export function ipcSenderRefusal(e: IpcSender, app: { webContentsId: number; pageUrl: string }): string | undefined {
  if (e.senderId !== app.webContentsId) return 'LabApi answers only the app window';
  if (!e.senderFrame) return 'LabApi refused a request whose frame is gone';
  if (e.senderFrame.parent) return 'LabApi answers only the app page, not a frame inside it';
  if (withoutFragment(e.senderFrame.url) !== withoutFragment(app.pageUrl)) return 'LabApi answers only the app page';
  return undefined;
}

/** The page, without the part the app itself changes (its view state lives in the query and fragment). */
function withoutFragment(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}
