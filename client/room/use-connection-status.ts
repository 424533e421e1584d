import { useEffect, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';

export type ConnectionStatus = 'connected' | 'reconnecting' | 'offline';

/** Connected once synced; offline when the browser has no network; reconnecting otherwise. */
export function useConnectionStatus(provider: WebsocketProvider): ConnectionStatus {
  const compute = (): ConnectionStatus =>
    !navigator.onLine ? 'offline' : provider.wsconnected && provider.synced ? 'connected' : 'reconnecting';
  const [status, setStatus] = useState<ConnectionStatus>(compute);
  useEffect(() => {
    const update = () => setStatus(compute());
    provider.on('status', update);
    provider.on('sync', update);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    update();
    return () => {
      provider.off('status', update);
      provider.off('sync', update);
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, [provider]);
  return status;
}
