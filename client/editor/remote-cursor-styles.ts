// y-monaco marks remote selections with per-client CSS classes but draws neither colour nor
// name. This keeps one <style> element in step with the awareness states of others.
import type { Awareness } from 'y-protocols/awareness';

export interface AwarenessUser {
  name: string;
  color: string;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** CSS string literal for arbitrary text (names are user input). */
function cssString(text: string): string {
  return `"${[...text].map((ch) => (/[\w .,'-]/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `)).join('')}"`;
}

export function remoteCursorCss(clientId: number, user: AwarenessUser): string {
  const color = COLOR.test(user.color) ? user.color : '#888888';
  return `.yRemoteSelection-${clientId}{background-color:${color}40}
.yRemoteSelectionHead-${clientId}{border-left:2px solid ${color}}
.yRemoteSelectionHead-${clientId}::after{content:${cssString(user.name.slice(0, 40))};background:${color}}`;
}

export function bindRemoteCursorStyles(awareness: Awareness): () => void {
  const style = document.createElement('style');
  style.dataset.remoteCursors = '';
  document.head.appendChild(style);
  const render = () => {
    const rules: string[] = [];
    awareness.getStates().forEach((state, clientId) => {
      const user = (state as { user?: Partial<AwarenessUser> }).user;
      if (clientId === awareness.clientID || typeof user?.name !== 'string' || typeof user.color !== 'string') return;
      rules.push(remoteCursorCss(clientId, { name: user.name, color: user.color }));
    });
    style.textContent = rules.join('\n');
  };
  awareness.on('change', render);
  render();
  return () => {
    awareness.off('change', render);
    style.remove();
  };
}
