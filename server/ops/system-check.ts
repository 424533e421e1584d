// Startup report of the optional system programs. The server runs without them, but each
// missing one disables a feature; say which and how to install it instead of failing later.
import fs from 'node:fs';

export interface SystemRequirement {
  program: string;
  aptPackage: string;
  neededFor: string;
}

const PY = '/usr/lib/python3/dist-packages';

export const SYSTEM_REQUIREMENTS: SystemRequirement[] = [
  { program: '/usr/bin/bwrap', aptPackage: 'bubblewrap', neededFor: 'the Run button (sandbox); without it Run answers 503' },
  { program: '/usr/bin/python3', aptPackage: 'python3', neededFor: 'Python runs' },
  { program: `${PY}/numpy`, aptPackage: 'python3-numpy', neededFor: 'numpy in Python runs' },
  { program: `${PY}/pandas`, aptPackage: 'python3-pandas', neededFor: 'pandas in Python runs' },
  { program: `${PY}/sklearn`, aptPackage: 'python3-sklearn', neededFor: 'scikit-learn in Python runs' },
  { program: `${PY}/matplotlib`, aptPackage: 'python3-matplotlib', neededFor: 'plots in Python runs' },
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
