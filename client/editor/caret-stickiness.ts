// y-monaco anchors a saved caret to the character on its right, so when the other person
// types exactly where my caret is, my caret jumps past their text and our keystrokes
// interleave ("bealta p=ha"). Anchoring to the character on the left keeps my caret after
// my own last keystroke, as in Google Docs, and each person's words stay whole.
import type { editor as MonacoEditor } from 'monaco-editor';
import type { MonacoBinding } from 'y-monaco';
import * as Y from 'yjs';

const STICK_LEFT = -1;

export function keepCaretsAfterOwnText(binding: MonacoBinding): void {
  const { doc, ytext, monacoModel, editors } = binding;
  const saveSelections = () =>
    binding.mux(() => {
      binding._savedSelections = new Map();
      editors.forEach((editor: MonacoEditor.IStandaloneCodeEditor) => {
        const selection = editor.getModel() === monacoModel ? editor.getSelection() : null;
        if (!selection) return;
        const at = (position: { lineNumber: number; column: number }) =>
          Y.createRelativePositionFromTypeIndex(ytext, monacoModel.getOffsetAt(position), STICK_LEFT);
        binding._savedSelections.set(editor, {
          start: at(selection.getStartPosition()),
          end: at(selection.getEndPosition()),
          direction: selection.getDirection(),
        });
      });
    });
  doc.off('beforeAllTransactions', binding._beforeTransaction);
  binding._beforeTransaction = saveSelections;
  doc.on('beforeAllTransactions', saveSelections);
}
