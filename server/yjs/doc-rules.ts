// Who may change which part of the shared document. The Y.Doc is the one state both people
// edit, so a hostile client could otherwise write anything into it: the problem on the
// interviewer's screen, root types nobody reads, whiteboard elements that render web pages.
// Each place in the document is a root type and, for maps, a key; a change there is allowed
// only when a rule below names the place, the writer's role and, for inserts, the content.
// Anything not named is the server's alone (it writes with its own origin, never checked).
import * as Y from 'yjs';
import { languageSchema, YDOC, type Role } from '../../shared/room.ts';
import { parseElement } from '../../shared/whiteboard-element.ts';

/** What an item holds (Yjs does not export the content base class's type). */
export type ItemContent = Y.Item['content'];

/** A place in the document: a root type and, for map entries, the key (null: sequence content). */
export interface DocPlace {
  root: string;
  key: string | null;
}

interface PlaceRule {
  /** Short name for refusal messages and tests. */
  name: string;
  covers(place: DocPlace): boolean;
  /** Roles that may insert or delete here. */
  writers: readonly Role[];
  /** Roots the server creates (a problem's buffer): a client may edit them, never create them. */
  serverCreatesRoot?: boolean;
  /** Why inserted content is not acceptable here, or undefined when it is. */
  refuseContent(content: ItemContent, place: DocPlace): string | undefined;
}

const BOTH: readonly Role[] = ['interviewer', 'candidate'];
const PROBLEM_BUFFER = new RegExp(`^${YDOC.codeText}:[A-Za-z0-9_-]{1,100}$`);

const onlyText = (content: ItemContent) =>
  content instanceof Y.ContentString ? undefined : 'code buffers hold plain text only';

/** Map entries are one plain value (Y.Map.set writes a ContentAny of length 1). */
function singleValue(content: ItemContent): { value: unknown } | undefined {
  return content instanceof Y.ContentAny && content.arr.length === 1 ? { value: content.arr[0] } : undefined;
}

export const DOC_RULES: readonly PlaceRule[] = [
  {
    name: 'free coding buffer',
    covers: ({ root, key }) => root === YDOC.codeText && key === null,
    writers: BOTH,
    refuseContent: onlyText,
  },
  {
    name: "a problem's code buffer",
    covers: ({ root, key }) => PROBLEM_BUFFER.test(root) && key === null,
    writers: BOTH,
    serverCreatesRoot: true,
    refuseContent: onlyText,
  },
  {
    name: 'language',
    covers: ({ root, key }) => root === YDOC.metaMap && key === YDOC.metaLanguageKey,
    writers: BOTH,
    refuseContent: (content) =>
      languageSchema.safeParse(singleValue(content)?.value).success ? undefined : 'the language must be one of the supported languages',
  },
  {
    name: 'whiteboard element',
    covers: ({ root, key }) => root === YDOC.whiteboardMap && key !== null,
    writers: BOTH,
    refuseContent: (content, { key }) => {
      const single = singleValue(content);
      if (!single) return 'a whiteboard entry is one element';
      return parseElement(single.value, key ?? undefined) ? undefined : 'the whiteboard element is not a drawable element this room accepts';
    },
  },
  // meta.activeProblem and every other place: server only.
];

export type PlaceVerdict = { ok: true } | { ok: false; reason: string };

function ruleFor(place: DocPlace): PlaceRule | undefined {
  return DOC_RULES.find((rule) => rule.covers(place));
}

const describe = ({ root, key }: DocPlace) => (key === null ? `"${root}"` : `"${root}.${key}"`);

/**
 * May `role` insert `content` at `place` (content undefined: delete there)? `rootExists` says
 * whether the server's document already has that root type.
 */
export function judgeChange(role: Role, place: DocPlace, content: ItemContent | undefined, rootExists: boolean): PlaceVerdict {
  const rule = ruleFor(place);
  if (!rule || !rule.writers.includes(role)) return { ok: false, reason: `${describe(place)} is not writable by the ${role}` };
  if (rule.serverCreatesRoot && !rootExists) return { ok: false, reason: `${describe(place)} does not exist in this room` };
  // Content inserted already deleted carries nothing anyone sees.
  if (content === undefined || content instanceof Y.ContentDeleted) return { ok: true };
  const refused = rule.refuseContent(content, place);
  return refused ? { ok: false, reason: `${describe(place)}: ${refused}` } : { ok: true };
}
