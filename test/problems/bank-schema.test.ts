// The whole bank validates, and a broken problem fails loading with its file and field named.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { COMPETENCIES } from '../../shared/problem.ts';
import { ProblemFormatError, loadProblemBank } from '../../server/problems/load-problems.ts';
import { REPO_ROOT } from '../helpers/server.ts';

const BANK = path.join(REPO_ROOT, 'problems');

/** A copy of the bank's kit plus one problem folder, to break in one place. */
function bankWith(problemId: string, breakIt: (dir: string) => void): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bank-'));
  fs.cpSync(path.join(BANK, '_kit'), path.join(root, '_kit'), { recursive: true });
  fs.cpSync(path.join(BANK, problemId), path.join(root, problemId), { recursive: true });
  breakIt(path.join(root, problemId));
  return root;
}

const loadError = (root: string) => {
  try {
    loadProblemBank([root]);
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemFormatError);
    return (error as Error).message;
  }
  throw new Error('the broken bank loaded');
};

describe('the problem bank', () => {
  test('loads completely, with every kind, competency and the kit', () => {
    const bank = loadProblemBank([BANK]);
    const kinds = new Set([...bank.problems.values()].map((p) => p.meta.kind));
    expect([...kinds].sort()).toEqual(['behavioral', 'coding', 'ml-concepts', 'role-fit', 'sql', 'system-design']);
    const competencies = new Set([...bank.problems.values()].flatMap((p) => p.meta.competencies));
    expect([...competencies].sort()).toEqual([...COMPETENCIES].sort());
    expect(bank.kit.scale.map((s) => s.score)).toEqual([1, 2, 3, 4]);
    expect(bank.kit.practical.criteria.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
    // Enough for the kit's 45-minute plan: 4-6 technical, 2-3 behavioral, 1-2 role-fit.
    const count = (kind: string) => [...bank.problems.values()].filter((p) => p.meta.kind === kind).length;
    expect(count('behavioral')).toBeGreaterThanOrEqual(3);
    expect(count('role-fit')).toBeGreaterThanOrEqual(2);
  });

  test('a bad field names the file and the field', () => {
    const root = bankWith('dedupe-and-rank', (dir) => {
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'problem.json'), 'utf8'));
      fs.writeFileSync(path.join(dir, 'problem.json'), JSON.stringify({ ...meta, difficulty: 'impossible' }));
    });
    const message = loadError(root);
    expect(message).toContain(path.join(root, 'dedupe-and-rank', 'problem.json'));
    expect(message).toContain('difficulty');
  });

  test('a hidden test without an expected value names the case field', () => {
    const root = bankWith('ndcg-at-k', (dir) => {
      const tests = JSON.parse(fs.readFileSync(path.join(dir, 'tests.json'), 'utf8'));
      delete tests.cases[3].raises;
      fs.writeFileSync(path.join(dir, 'tests.json'), JSON.stringify(tests));
    });
    const message = loadError(root);
    expect(message).toContain('tests.json');
    expect(message).toContain('cases.3');
  });

  test('a missing starter, a missing rubric and an id that does not match its folder are refused', () => {
    expect(loadError(bankWith('isotonic-calibration', (dir) => fs.rmSync(path.join(dir, 'starter.py'))))).toContain('no starter for it');
    expect(loadError(bankWith('daily-ctr-sql', (dir) => fs.rmSync(path.join(dir, 'rubric.json'))))).toContain('rubric.json');
    const renamed = bankWith('dedupe-and-rank', (dir) => fs.renameSync(dir, `${dir}-copy`));
    expect(loadError(renamed)).toContain('must match its folder name');
  });
});
