// Reads a server process's memory from the outside through the Node inspector (the process
// is started with --inspect=127.0.0.1:0), after forcing a full garbage collection, so leak
// checks compare live memory rather than whatever the collector has not reclaimed yet.
import WebSocket from 'ws';

export interface InspectorSession {
  /** Full GC, then process.memoryUsage() of the inspected process. */
  memoryAfterGc(): Promise<{ heapUsed: number; rss: number }>;
  close(): void;
}

/** Finds "Debugger listening on ws://…" in a process's stderr output so far. */
export function inspectorUrlIn(output: string): string | undefined {
  return output.match(/Debugger listening on (ws:\/\/\S+)/)?.[1];
}

export async function openInspector(url: string): Promise<InspectorSession> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    async memoryAfterGc() {
      // Twice: the first pass can leave objects that finalizers released for the second.
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const result = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as {
        result: { value: string };
      };
      const usage = JSON.parse(result.result.value) as { heapUsed: number; rss: number };
      return { heapUsed: usage.heapUsed, rss: usage.rss };
    },
    close: () => ws.close(),
  };
}
