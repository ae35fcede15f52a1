// `explain ID`: a check's explanation in three sections (what it looks at, why it matters,
// how to fix), wrapped to the terminal. The text is the check's own `explain`: its first
// sentence says what it looks at, the part from `Fix:` on how to fix.
import type { Check } from '../engine/check.js';
import { hang } from '../report/layout.js';

const SENTENCE_END = /(?<=[.!?])\s+(?=[A-Z`~@$])/;

function explainSections(c: Check): Array<{ heading: string; text: string }> {
  const text = c.explain.trim().replace(/\s+/g, ' ');
  const at = text.search(/\bFix:\s/);
  const body = at >= 0 ? text.slice(0, at).trim() : text;
  const fix = at >= 0 ? text.slice(at).replace(/^Fix:\s*/, '') : '';
  const [first = '', ...rest] = body.split(SENTENCE_END);
  return [
    { heading: 'What it looks at', text: first },
    ...(rest.length ? [{ heading: 'Why it matters', text: rest.join(' ') }] : []),
    {
      heading: 'How to fix',
      text: fix || 'run the doctor: a problem it finds comes with its fix, and `--fix` lists every step',
    },
  ];
}

export function renderExplain(c: Check, width: number): string {
  const out = hang('', `${c.id} — ${c.title}`, width, 2);
  if (c.dependsOn?.length) out.push(...hang('', `depends on: ${c.dependsOn.join(', ')}`, width, 2));
  for (const s of explainSections(c)) out.push('', s.heading, ...hang('  ', s.text, width, 2));
  return `${out.join('\n')}\n`;
}
