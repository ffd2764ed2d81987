/** The DOM's WebSocket behind the small `OpenSocket` interface the pipe is written against. */
import type { OpenSocket } from './websocket-pipe';

export const openBrowserSocket: OpenSocket = (url, handlers) => {
  const socket = new WebSocket(url);
  let closedByUs = false;
  socket.addEventListener('open', () => handlers.onOpen());
  socket.addEventListener('message', (event: MessageEvent<unknown>) => handlers.onMessage(event.data));
  // A refused upgrade fires `error` then `close`; `close` alone carries everything we need.
  socket.addEventListener('close', (event: CloseEvent) => {
    if (!closedByUs) handlers.onClose(event.code);
  });
  return {
    send: (text) => socket.send(text),
    close() {
      closedByUs = true;
      socket.close(1000, 'client leaving');
    },
  };
};
