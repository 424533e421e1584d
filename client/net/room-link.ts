// The token travels in the URL fragment (#t=...), which browsers never send to servers.

export function tokenFromLocation(location: Location = window.location): string | undefined {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return params.get('t') ?? undefined;
}

/** Absolute form of a link the server returned as a path. */
export function absoluteLink(link: string): string {
  return new URL(link, window.location.origin).toString();
}
