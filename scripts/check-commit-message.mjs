#!/usr/bin/env node
// Commit messages are read in one-line logs: a short imperative subject, the why in the body.
// Usage: check-commit-message.mjs <message-file>   (the commit-msg hook)
//        check-commit-message.mjs --range <a>..<b>  (CI: every commit in a range)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX_SUBJECT = 72;

function problems(message) {
  const lines = message.split('\n').filter((l) => !l.startsWith('#'));
  const subject = lines[0] ?? '';
  const out = [];
  if (!subject.trim()) out.push('the subject line is empty');
  if (subject.length > MAX_SUBJECT) out.push(`the subject is ${subject.length} characters; keep it to ${MAX_SUBJECT}`);
  if (/\.$/.test(subject)) out.push('the subject ends with a period');
  if (lines.length > 1 && lines[1]?.trim() !== '') out.push('leave a blank line between the subject and the body');
  return out;
}

const [flag, value] = process.argv.slice(2);
if (flag === '--range') {
  const log = execFileSync('git', ['log', '--format=%H%x00%B%x01', value], { encoding: 'utf8' });
  let bad = 0;
  for (const entry of log.split('\x01').filter((e) => e.trim())) {
    const [hash, body] = entry.replace(/^\n/, '').split('\x00');
    for (const p of problems(body ?? '')) {
      bad++;
      console.error(`${hash?.slice(0, 10)}: ${p}`);
    }
  }
  process.exit(bad ? 1 : 0);
} else if (flag) {
  const found = problems(readFileSync(flag, 'utf8'));
  if (found.length) {
    console.error(
      `commit message: ${found.join('; ')}.\nWrite an imperative subject of at most ${MAX_SUBJECT} characters and put the why in the body.`,
    );
    process.exit(1);
  }
} else {
  console.error('usage: check-commit-message.mjs <message-file> | --range <a>..<b>');
  process.exit(2);
}
