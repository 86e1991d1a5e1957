// The handlers bound to ipcMain: one `chorus:<call>` channel per contract call, events sent back on
// `chorus:<event>` to the window that made the call.
import { ipcMain, type WebContents } from 'electron';
import { CALL_NAMES, CHANNEL_PREFIX } from './contract';
import { dispatch } from './dispatch';
import type { ApiServices } from './handlers/context';

export function bindIpc(services: ApiServices, isTrusted: (sender: WebContents) => boolean, window: () => WebContents | undefined): () => void {
  const off = services.runs.on((payload) => {
    const w = window();
    if (w && !w.isDestroyed()) w.send(CHANNEL_PREFIX + 'run.event', payload);
  });
  for (const name of CALL_NAMES) {
    ipcMain.handle(CHANNEL_PREFIX + name, (e, args: unknown) => {
      if (!isTrusted(e.sender)) return { ok: false, code: 'failed', error: `${name}: sender not allowed` };
      return dispatch(name, args, {
        ...services,
        emit: (event, payload) => {
          if (!e.sender.isDestroyed()) e.sender.send(CHANNEL_PREFIX + event, payload);
        },
      });
    });
  }
  return () => {
    off();
    for (const name of CALL_NAMES) ipcMain.removeHandler(CHANNEL_PREFIX + name);
  };
}
