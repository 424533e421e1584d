// Tokens never reach the server's log: not from query strings, not from Authorization
// headers, not from refused or invalid /yjs connections.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { closeOf, openWebSocket, rejectedUpgrade, yjsUrl } from '../helpers/yjs-client.ts';

let server: ServerProcess;
let output = '';

beforeAll(async () => {
  server = await startServerProcess(tempDataDir(), { LOG_LEVEL: 'info' });
  server.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
});
afterAll(async () => {
  await server?.kill9();
});

/** JSON log lines written so far. */
const logLines = () =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

test('no token appears in the log of failed requests, refused upgrades and closed connections', async () => {
  const room: CreateRoomResponse = await createRoom(server.httpUrl);
  const tokens = [room.interviewerToken, room.candidateToken];

  // A refused API call carrying a real token in the query and a wrong one in the header.
  const refused = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}?token=${room.interviewerToken}`, {
    headers: { authorization: `Bearer ${room.candidateToken}x` },
  });
  expect(refused.status).toBe(401);
  // A plain GET of the /yjs URL with its token (no upgrade): 404, logged.
  const plain = await fetch(`${yjsUrl(server.httpUrl, room.roomId, room.candidateToken)}&other=1`);
  expect(plain.status).toBe(404);
  // Refused upgrades: another room's token, and an unknown path with the token in its query.
  const otherRoom = await createRoom(server.httpUrl);
  expect((await rejectedUpgrade(yjsUrl(server.wsUrl, otherRoom.roomId, room.interviewerToken))).status).toBe(401);
  expect((await rejectedUpgrade(`${server.wsUrl}/elsewhere?token=${room.candidateToken}`)).status).toBe(404);
  // An accepted connection closed for an invalid frame.
  const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.interviewerToken));
  const closed = closeOf(ws);
  ws.send(Uint8Array.from([0x2a, 1, 2, 3]));
  expect((await closed).code).toBe(4400);

  await waitFor(
    () => {
      const lines = logLines();
      return lines.some((line) => line.status === 401) && lines.some((line) => line.status === 404) && lines.some((line) => String(line.msg).includes('invalid message'));
    },
    10_000,
    () => `the log lines of those requests:\n${output}`,
  );
  for (const token of tokens) expect(output).not.toContain(token);
  expect(output).toContain('[redacted]'); // the URLs were logged, with the token cut out
});
