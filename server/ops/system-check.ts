// Startup report of the optional system programs. The server runs without them, but each
// missing one disables a feature; say which and how to install it instead of failing later.
import fs from 'node:fs';

export interface SystemRequirement {
  program: string;
  aptPackage: string;
  neededFor: string;
}

export const SYSTEM_REQUIREMENTS: SystemRequirement[] = [
  { program: '/usr/bin/chromium', aptPackage: 'chromium', neededFor: 'the end-to-end browser tests' },
];

export function missingRequirements(requirements = SYSTEM_REQUIREMENTS): SystemRequirement[] {
  return requirements.filter((requirement) => !fs.existsSync(requirement.program));
}

export function describeMissing(missing: SystemRequirement[]): string {
  if (missing.length === 0) return '';
  const lines = missing.map((m) => `  - ${m.program} (Debian package ${m.aptPackage}): needed for ${m.neededFor}`);
  const packages = [...new Set(missing.map((m) => m.aptPackage))].join(' ');
  return `Optional system packages are missing:\n${lines.join('\n')}\nInstall them with: sudo apt-get install -y ${packages}`;
}
