// Binds one Monaco editor to a shared Y.Text: text and selections through y-monaco,
// per-person undo through Y.UndoManager (Monaco's own stack would also undo other people's
// edits), and LF line endings so Windows and Linux clients never diverge.
import type { editor as MonacoEditor } from 'monaco-editor';
import { MonacoBinding } from 'y-monaco';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { keepCaretsAfterOwnText } from './caret-stickiness.ts';
import { monaco } from './monaco-setup.ts';
import { bindRemoteCursorStyles } from './remote-cursor-styles.ts';

/** Quiet time after the last change before the editor is compared with the shared text. */
const DRIFT_CHECK_DELAY_MS = 300;

export function bindSharedText(editor: MonacoEditor.IStandaloneCodeEditor, text: Y.Text, awareness: Awareness): () => void {
  const model = editor.getModel();
  if (!model) throw new Error('the editor has no model');
  model.setEOL(monaco.editor.EndOfLineSequence.LF);
  const binding = new MonacoBinding(text, model, new Set([editor]), awareness);
  keepCaretsAfterOwnText(binding);
  // Only edits made through this binding (this person's typing) are undoable here.
  const undoManager = new Y.UndoManager(text, { trackedOrigins: new Set([binding]), captureTimeout: 400 });
  const { KeyMod, KeyCode } = monaco;
  editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyZ, () => undoManager.undo());
  editor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, () => undoManager.redo());
  editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyY, () => undoManager.redo());
  // Safety net: when concurrent edits land on the caret, y-monaco can leave the Monaco model
  // one character off the shared text (seen in the two-browser test: a lost newline). After
  // every remote change, compare and repair, so what each person sees is what is stored.
  // A local edit applied at a drifted offset leaves no remote change behind it, so the check
  // also runs shortly after the last change of any kind.
  const repair = () => {
    const shared = text.toString();
    if (model.getValue() === shared) return;
    binding.mux(() => model.applyEdits([{ range: model.getFullModelRange(), text: shared }]));
  };
  let settleTimer: ReturnType<typeof setTimeout> | undefined;
  const repairWhenSettled = () => {
    clearTimeout(settleTimer);
    settleTimer = setTimeout(repair, DRIFT_CHECK_DELAY_MS);
  };
  const repairDrift = (_event: Y.YTextEvent, transaction: Y.Transaction) => {
    if (transaction.origin !== binding) repair();
    repairWhenSettled();
  };
  text.observe(repairDrift);
  const unbindStyles = bindRemoteCursorStyles(awareness);
  return () => {
    clearTimeout(settleTimer);
    text.unobserve(repairDrift);
    unbindStyles();
    undoManager.destroy();
    binding.destroy();
  };
}
