// The sandboxed preload: generic invoke / on / off on `chorus:` channels, nothing else.
// No third-party imports (the contract import is type-only and erased).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ChorusBridge, Envelope } from '../main/api/contract';

const PREFIX = 'chorus:';
const listeners = new Map<string, Set<(e: IpcRendererEvent, payload: unknown) => void>>();

function checked(channel: unknown): string {
  if (typeof channel !== 'string' || !channel.startsWith(PREFIX) || channel.length > 100) {
    throw new Error(`window.chorus: channel must start with '${PREFIX}', got ${JSON.stringify(channel)}`);
  }
  return channel;
}

const bridge: ChorusBridge = {
  invoke: (channel, args) => ipcRenderer.invoke(checked(channel), args) as Promise<Envelope>,
  on(channel, listener) {
    const ch = checked(channel);
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    if (!listeners.has(ch)) listeners.set(ch, new Set());
    listeners.get(ch)!.add(wrapped);
    ipcRenderer.on(ch, wrapped);
    return () => {
      listeners.get(ch)?.delete(wrapped);
      ipcRenderer.removeListener(ch, wrapped);
    };
  },
  off(channel) {
    const ch = checked(channel);
    for (const l of listeners.get(ch) ?? []) ipcRenderer.removeListener(ch, l);
    listeners.delete(ch);
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('chorus', bridge);
