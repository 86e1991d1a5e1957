// The handlers bound to a WebSocket (`chorus serve`): requests {id, call, args}, answers {id, ...Envelope},
// events {event, payload} to the connection that made the call; run events to every connection.
import type { WebSocket } from 'ws';
import type { WsMessage, WsRequest } from './contract';
import { dispatch } from './dispatch';
import type { ApiServices } from './handlers/context';

function send(ws: WebSocket, msg: WsMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

export function bindWebSocket(ws: WebSocket, services: ApiServices): void {
  const off = services.runs.on((payload) => send(ws, { event: 'run.event', payload }));
  ws.on('close', off);
  ws.on('message', (raw) => {
    let req: WsRequest;
    try {
      req = JSON.parse(raw.toString()) as WsRequest;
      if (typeof req !== 'object' || req === null || typeof req.id !== 'number' || typeof req.call !== 'string') throw new Error();
    } catch {
      ws.close(1003, 'expected {id, call, args} JSON');
      return;
    }
    void dispatch(req.call, req.args, {
      ...services,
      emit: (event, payload) => send(ws, { event, payload }),
    }).then((env) => send(ws, { id: req.id, ...env }));
  });
}
