import { createHash, randomBytes } from 'node:crypto';

/** 192 random bits as 32 base64url characters. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** 96 random bits: room ids are not secrets but should not be enumerable. */
export function newRoomId(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * Tokens carry 192 random bits, so a fast hash is enough: there is nothing to brute-force.
 * Only the hash is stored; a leaked database grants no access.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
