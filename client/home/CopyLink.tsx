import { useState } from 'react';

export function CopyLink({ label, url, testId }: { label: string; url: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard needs a secure context; the field stays selectable for a manual copy.
    }
  };
  return (
    <div className="copy-link">
      <span>{label}</span>
      <div className="copy-row">
        <input readOnly value={url} data-testid={testId} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
