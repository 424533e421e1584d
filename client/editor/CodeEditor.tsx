import Editor from '@monaco-editor/react';
import type { editor as MonacoEditor } from 'monaco-editor';
import { useEffect, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { Language } from '../../shared/room.ts';
import { bindSharedText } from './bind-shared-text.ts';
import { MONACO_LANGUAGE, monaco } from './monaco-setup.ts';

interface Props {
  text: Y.Text;
  awareness: Awareness;
  language: Language;
  /** Ctrl/Cmd+Enter. */
  onRun: () => void;
  /** An ended interview: the code is history, not editable. */
  readOnly?: boolean;
  /** The selected lines (undefined when nothing is selected), e.g. to pin a note to code. */
  onSelectionChange?: (selection: CodeSelection | undefined) => void;
}

export interface CodeSelection {
  fromLine: number;
  toLine: number;
  excerpt: string;
}

export function CodeEditor({ text, awareness, language, onRun, onSelectionChange, readOnly = false }: Props) {
  const [editor, setEditor] = useState<MonacoEditor.IStandaloneCodeEditor>();
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  useEffect(() => (editor ? bindSharedText(editor, text, awareness) : undefined), [editor, text, awareness]);
  useEffect(() => {
    editor?.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => onRunRef.current());
  }, [editor]);
  useEffect(() => {
    if (!editor || !onSelectionChange) return;
    const listener = editor.onDidChangeCursorSelection(({ selection }) => {
      const model = editor.getModel();
      if (!model || selection.isEmpty()) return onSelectionChange(undefined);
      onSelectionChange({
        fromLine: selection.startLineNumber,
        toLine: selection.endLineNumber,
        excerpt: model.getValueInRange(selection).slice(0, 4000),
      });
    });
    return () => listener.dispose();
  }, [editor, onSelectionChange]);
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
          readOnly,
          // Enter always means a new line; Tab accepts a suggestion. Word-based suggestions pop up
          // while people type fast under pressure, and Enter silently swapped in a wrong word.
          acceptSuggestionOnEnter: 'off',
        }}
      />
    </div>
  );
}
