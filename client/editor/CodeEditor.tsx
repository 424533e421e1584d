import Editor from '@monaco-editor/react';
import type { editor as MonacoEditor } from 'monaco-editor';
import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { Language } from '../../shared/room.ts';
import { bindSharedText } from './bind-shared-text.ts';
import { MONACO_LANGUAGE } from './monaco-setup.ts';

interface Props {
  text: Y.Text;
  awareness: Awareness;
  language: Language;
}

export function CodeEditor({ text, awareness, language }: Props) {
  const [editor, setEditor] = useState<MonacoEditor.IStandaloneCodeEditor>();
  useEffect(() => (editor ? bindSharedText(editor, text, awareness) : undefined), [editor, text, awareness]);
  return (
    <div className="editor" data-testid="code-editor">
      <Editor
        language={MONACO_LANGUAGE[language]}
        theme="vs-dark"
        onMount={(mounted) => setEditor(mounted)}
        options={{
          automaticLayout: true,
          fontSize: 14,
          minimap: { enabled: false },
          padding: { top: 18 },
          scrollBeyondLastLine: false,
          tabSize: 4,
          fixedOverflowWidgets: true,
        }}
      />
    </div>
  );
}
