/** Participant colours: distinct, readable on both light and dark editor themes. */
export const PARTICIPANT_COLORS = [
  '#e5484d', '#3e63dd', '#30a46c', '#f76b15', '#8e4ec6', '#12a594', '#d6409f', '#978365',
] as const;
