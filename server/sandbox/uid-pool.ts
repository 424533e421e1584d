// One host uid per concurrently live sandbox: RLIMIT_NPROC counts processes per uid, so a
// fork bomb in one run cannot starve another run of process slots.
export class UidPool {
  private readonly free: number[];

  constructor(base: number, size: number) {
    this.free = Array.from({ length: size }, (_, i) => base + i);
  }

  acquire(): number {
    const uid = this.free.shift();
    if (uid === undefined) throw new Error('no sandbox uid free: more live sandboxes than slots');
    return uid;
  }

  release(uid: number): void {
    this.free.push(uid);
  }
}
