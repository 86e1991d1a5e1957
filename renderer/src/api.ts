// The typed client, derived from the contract (types only). Inside Electron it talks to main through
// window.chorus; in a browser behind `chorus serve` it talks over a WebSocket with the URL's token.
import type {
  ApiErrorKind,
  ApiFailure,
  CallArgs,
  CallName,
  CallResult,
  ChorusBridge,
  Envelope,
  EventName,
  EventPayload,
  WsMessage,
} from '../../main/api/contract';
import clientErrors from './i18n/errors.en';

declare global {
  interface Window {
    chorus?: ChorusBridge;
  }
}

const PREFIX = 'chorus:';

/**
 * A failed call: `message` is main's English line; `code` and `params` the same message from the error catalog
 * (renderer/src/i18n/errors.*.ts has its text in every language), `kind` what broadly went wrong.
 */
export class ApiError extends Error {
  readonly code?: string;
  readonly params?: Record<string, string | number>;
  readonly kind?: ApiErrorKind;
  constructor(message: string, o: { code?: string; params?: Record<string, string | number>; kind?: ApiErrorKind } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = o.code;
    this.params = o.params;
    this.kind = o.kind;
  }
}

/** Errors of the client itself (no parameters, so the English text is the message file's as it stands). */
type ClientCode = 'client_cannot_connect' | 'client_connection_closed' | 'client_no_file_paths';
const clientError = (code: ClientCode) => new ApiError(clientErrors[code], { code, params: {} });
const clientFailure = (code: ClientCode): ApiFailure => ({ ok: false, error: clientErrors[code], code, params: {} });

interface Transport {
  invoke(name: string, args: unknown): Promise<Envelope>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

function ipcTransport(bridge: ChorusBridge): Transport {
  return {
    invoke: (name, args) => bridge.invoke(PREFIX + name, args),
    on: (event, listener) => bridge.on(PREFIX + event, listener),
  };
}

function wsTransport(url: string): Transport {
  const pending = new Map<number, (env: Envelope) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: Promise<WebSocket> | undefined;

  function connect(): Promise<WebSocket> {
    socket ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(clientError('client_cannot_connect'));
      ws.onclose = () => {
        socket = undefined;
        for (const done of pending.values()) done(clientFailure('client_connection_closed'));
        pending.clear();
      };
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as WsMessage;
        if ('event' in msg) for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        else {
          pending.get(msg.id)?.(msg);
          pending.delete(msg.id);
        }
      };
    });
    return socket;
  }

  return {
    async invoke(name, args) {
      const ws = await connect();
      const id = nextId++;
      return new Promise<Envelope>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, call: name, args }));
      });
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)?.delete(listener);
    },
  };
}

function pickTransport(): Transport {
  if (window.chorus) return ipcTransport(window.chorus);
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return wsTransport(`${proto}//${location.host}/api?token=${encodeURIComponent(token)}`);
}

let transport: Transport | undefined;
const t = () => (transport ??= pickTransport());

/** True inside the Electron app (files have paths); false in a browser (files are uploaded). */
export const hasFilePaths = () => typeof window !== 'undefined' && !!window.chorus;

export async function call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>> {
  const env = await t().invoke(name, args);
  if (!env.ok) throw new ApiError(env.error, { code: env.code, params: env.params, kind: env.kind });
  return env.value as CallResult<N>;
}

export function onEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return t().on(event, listener as (payload: unknown) => void);
}

export function pathForFile(file: File): string {
  if (!window.chorus) throw clientError('client_no_file_paths');
  return window.chorus.pathForFile(file);
}

/** Tests swap the transport. */
export function setTransportForTests(next: Transport | undefined): void {
  transport = next;
}
