// The stock y-websocket server most deployments run: @y/websocket-server's setupWSConnection
// behind a plain `ws` server, documents in memory only. Started as a child process by
// servers.ts with PORT set; answers any plain HTTP request with 200 so readiness can be polled.
import http from 'node:http';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 0);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
});
const wss = new WebSocketServer({ server });
wss.on('connection', (conn, req) => {
  const docName = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname.slice(1));
  setupWSConnection(conn, req, { docName });
});
server.listen(port, '127.0.0.1');

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
