// The ceiling: a bare node:http server answering one small fixed JSON body. Every
// benchmark scenario is reported as a ratio to what this does on the same machine in the same run.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'ok' });
const headers = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };

createServer((_req, res) => {
  res.writeHead(200, headers).end(body);
}).listen(Number(process.env.SERVER_PORT ?? 0), process.env.SERVER_HOST ?? '127.0.0.1');
