// Each Yjs clientID belongs to the token holder that first used it while the document is
// loaded, for awareness and document updates alike: otherwise a candidate could move the
// interviewer's cursor, rename it, or write structs the update log would attribute to them.

/** A holder may not bind more ids than this (one per page load; bounds memory and awareness). */
export const CLIENT_IDS_PER_HOLDER = 256;

export class ClientIdOwners {
  private readonly owners = new Map<number, string>();
  private readonly counts = new Map<string, number>();

  /** True when every id is free or already the holder's; then binds the free ones. */
  claim(holder: string, ids: Iterable<number>): boolean {
    const fresh: number[] = [];
    for (const id of ids) {
      const owner = this.owners.get(id);
      if (owner === undefined) fresh.push(id);
      else if (owner !== holder) return false;
    }
    if (fresh.length === 0) return true;
    const count = this.counts.get(holder) ?? 0;
    if (count + fresh.length > CLIENT_IDS_PER_HOLDER) return false;
    for (const id of fresh) this.owners.set(id, holder);
    this.counts.set(holder, count + fresh.length);
    return true;
  }

  ownerOf(id: number): string | undefined {
    return this.owners.get(id);
  }
}
