// A port for a server that must come back on the same address after a restart.
//
// freePort() (listen on 0) returns a port from the kernel's ephemeral range, the same range
// outgoing connections take their local port from. While the server is down, any outgoing
// connection (another test's client, or a reconnecting client's TCP self-connect to that
// very port) may take the number, and the restart then fails with EADDRINUSE. A port below
// the ephemeral range is never handed out that way.
import fs from 'node:fs';
import net from 'node:net';
import { freePort } from './free-port.ts';

function ephemeralRangeStart(): number | undefined {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && Number.isInteger(low) ? low : undefined;
  } catch {
    return undefined; // not Linux: no range to avoid that we know of
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A free port below the ephemeral range (falls back to freePort() where the range is unknown). */
export async function restartablePort(): Promise<number> {
  const ephemeralStart = ephemeralRangeStart();
  const low = 10_000;
  if (ephemeralStart === undefined || ephemeralStart - low < 1000) return freePort();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (ephemeralStart - low));
    if (await canListen(port)) return port;
  }
  return freePort();
}
