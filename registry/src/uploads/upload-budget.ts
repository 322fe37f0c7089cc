/**
 * A global cap on request-body bytes held for uploads at once (docs/security.md row 19). An upload
 * that declares its length reserves it all before a byte is read; one that does not (chunked)
 * reserves as its bytes arrive. The bytes are held until its request is answered, so stalled
 * uploads never hold more than `max` in memory.
 */
export interface UploadBudget {
  /** A reservation of `bytes`, or undefined when they do not fit now. */
  reserve(bytes: number): UploadReservation | undefined;
  /** Bytes reserved now. */
  inFlight(): number;
}

export interface UploadReservation {
  /** Reserves `bytes` more; false (reserving nothing) when they do not fit. */
  grow(bytes: number): boolean;
  /** Gives every reserved byte back; later calls do nothing. */
  release(): void;
}

export function createUploadBudget(max: number): UploadBudget {
  let used = 0;
  return {
    reserve(bytes) {
      if (used + bytes > max) return undefined;
      used += bytes;
      let held = bytes;
      let released = false;
      return {
        grow(more) {
          if (released || used + more > max) return false;
          used += more;
          held += more;
          return true;
        },
        release() {
          if (released) return;
          released = true;
          used -= held;
        },
      };
    },
    inFlight: () => used,
  };
}
