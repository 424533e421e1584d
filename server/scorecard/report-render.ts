// Markdown and printable HTML renderings of the interview report.
import { describeEvidence } from '../../shared/scorecard.ts';
import type { InterviewReport } from './report.ts';

const VERDICT_TEXT = { hire: 'Hire', 'no-hire': 'No hire', 'pending-practical': 'Pending the practical', incomplete: 'Incomplete' } as const;

const fence = (text: string) => `\`\`\`\n${text.replace(/```/g, '`\u200b``')}\n\`\`\``;

export function reportMarkdown(report: InterviewReport): string {
  const lines: string[] = [`# Interview report: ${report.room.title}`, '', `Room ${report.room.roomId}, created ${report.room.createdAt}; report generated ${report.generatedAt}.`, ''];
  lines.push('## Problems used', '', ...(report.problems.length ? report.problems.map((p) => `- ${p.title} (${p.kind}, ${p.difficulty})`) : ['- none']), '');
  lines.push('## Final code', '');
  for (const buffer of report.code) lines.push(`### ${buffer.problemId ?? 'Free coding'}`, '', fence(buffer.text), '');
  lines.push(`## Runs (${report.runs.length})`, '');
  for (const run of report.runs) {
    const tests = run.tests ? `, tests ${run.tests.passed}/${run.tests.total}` : '';
    lines.push(`- ${run.language}: ${run.status} in ${run.durationMs} ms${tests}${run.problemId ? ` (${run.problemId})` : ''}`);
  }
  if (report.whiteboardSvg) lines.push('', '## Whiteboard', '', 'The drawing is in the HTML and JSON forms of this report.');
  lines.push('', '## Scorecards', '');
  for (const card of report.scorecards) {
    const r = card.recommendation;
    lines.push(`### ${card.interviewerName}${card.submittedAt ? ` (submitted ${card.submittedAt})` : ' (draft)'}`, '');
    lines.push(`**Recommendation: ${VERDICT_TEXT[r.verdict]}**${r.decision !== r.verdict ? `, decision: ${VERDICT_TEXT[r.decision]}` : ''}`, '');
    for (const reason of r.reasons) lines.push(`- ${reason}`);
    lines.push('', '| question | score |', '| --- | --- |');
    for (const [problemId, score] of Object.entries(card.draft.scores)) lines.push(`| ${problemId} | ${score} |`);
    lines.push('');
    for (const note of card.draft.notes) {
      const evidence = describeEvidence(note.evidence);
      lines.push(`- ${note.problemId ?? 'general'} (${note.updatedAt})${evidence ? ` [${evidence}]` : ''}: ${note.text}`);
    }
    for (const amendment of card.amendments) lines.push(`- Amendment ${amendment.at}: ${amendment.text}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

export function reportHtml(report: InterviewReport): string {
  const e = escapeHtml;
  const cards = report.scorecards
    .map((card) => {
      const r = card.recommendation;
      const scores = Object.entries(card.draft.scores)
        .map(([id, score]) => `<tr><td>${e(id)}</td><td>${score}</td></tr>`)
        .join('');
      const notes = card.draft.notes
        .map((note) => `<li><b>${e(note.problemId ?? 'general')}</b> <small>${e(note.updatedAt)} ${e(describeEvidence(note.evidence))}</small><br>${e(note.text)}</li>`)
        .join('');
      return `<section class="card"><h3>${e(card.interviewerName)} ${card.submittedAt ? `<small>submitted ${e(card.submittedAt)}</small>` : '<small>draft</small>'}</h3>
<p class="verdict">Recommendation: <b>${VERDICT_TEXT[r.verdict]}</b>${r.decision !== r.verdict ? ` · decision: <b>${VERDICT_TEXT[r.decision]}</b>` : ''}</p>
<ul>${r.reasons.map((reason) => `<li>${e(reason)}</li>`).join('')}</ul>
<table><tr><th>question</th><th>score</th></tr>${scores}</table><ul class="notes">${notes}</ul>
${card.amendments.map((a) => `<p class="amendment">Amendment ${e(a.at)}: ${e(a.text)}</p>`).join('')}</section>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Interview report: ${e(report.room.title)}</title>
<style>
body{font-family:system-ui,'DejaVu Sans',sans-serif;max-width:900px;margin:2rem auto;padding:0 1rem;color:#111}
pre{background:#f4f4f5;padding:.6rem;white-space:pre-wrap;font-size:.8rem;border-radius:4px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
.card{border-top:2px solid #ddd;margin-top:1rem}.board{max-width:100%;border:1px solid #ddd}.verdict{font-size:1.1rem}
@media print{body{margin:0}section,pre{break-inside:avoid}}
</style></head><body>
<h1>Interview report: ${e(report.room.title)}</h1>
<p>Room ${e(report.room.roomId)}, created ${e(report.room.createdAt)}; generated ${e(report.generatedAt)}.</p>
<h2>Problems used</h2><ul>${report.problems.map((p) => `<li>${e(p.title)} <small>(${e(p.kind)}, ${e(p.difficulty)})</small></li>`).join('') || '<li>none</li>'}</ul>
<h2>Final code</h2>${report.code.map((b) => `<h3>${e(b.problemId ?? 'Free coding')}</h3><pre>${e(b.text)}</pre>`).join('')}
<h2>Runs (${report.runs.length})</h2><ul>${report.runs
    .map((run) => `<li id="run-${e(run.runId)}">${e(run.language)}: ${e(run.status)} in ${run.durationMs} ms${run.tests ? `, tests ${run.tests.passed}/${run.tests.total}` : ''}</li>`)
    .join('')}</ul>
${report.whiteboardSvg ? `<h2>Whiteboard</h2><img class="board" alt="The room's whiteboard" src="data:image/svg+xml;base64,${Buffer.from(report.whiteboardSvg).toString('base64')}">` : ''}
<h2>Scorecards</h2>${cards || '<p>No scorecard yet.</p>'}
</body></html>`;
}
