// Runs the grammar over the repository's real rule files (rules/**/*.zb,
// which `zhibiao check` and `zhibiao test` accept, so they hold no syntax
// error) and checks, token by token, that
//   1. nothing is scoped invalid.* (no false glued-keyword or full-width
//      alarms on correct files);
//   2. every word that is a keyword of the language (outside comments and
//      strings) is scoped keyword.*, and nothing else is: a keyword inside
//      a name (加分项数) must not be;
//   3. every other non-blank character outside comments and strings gets
//      a scope of its own (no text left unhighlighted by accident).
// Unlike the snapshots under test/snap/, this reads the live files, so a
// rule file written in a way the grammar does not know fails here.
'use strict';

const fs = require('fs');
const path = require('path');
const { loadGrammar, tokenize } = require('./tokenize.js');
const { KEYWORDS, TEST_KEYWORDS } = require('../syntaxes/build.js');

const ROOT = path.join(__dirname, '..', '..', '..');
const keywords = new Set([...Object.values(KEYWORDS).flat(), ...TEST_KEYWORDS]);

function ruleFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return ruleFiles(p);
    return e.name.endsWith('.zb') ? [p] : [];
  });
}

(async () => {
  const grammar = await loadGrammar();
  const files = ruleFiles(path.join(ROOT, 'rules'));
  if (files.length === 0) throw new Error('no rule files under rules/');
  const problems = [];
  let checked = 0;
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    for (const { line, tokens } of tokenize(grammar, fs.readFileSync(file, 'utf8'))) {
      for (const { text, scopes } of tokens) {
        const word = text.trim();
        if (!word) continue;
        checked++;
        const where = `${rel}:${line}: “${word}” (${scopes.slice(1).join(' ')})`;
        const has = (prefix) => scopes.some((s) => s.startsWith(prefix));
        if (has('invalid')) problems.push(`${where}: marked invalid`);
        if (has('comment') || has('string')) continue;
        const isKeyword = has('keyword.') && !has('keyword.operator.comparison') &&
          !has('keyword.operator.arithmetic') && !has('keyword.operator.range') &&
          !has('keyword.operator.assignment') && !has('keyword.other.unit.percent');
        if (keywords.has(word) && !isKeyword) problems.push(`${where}: a keyword not scoped as one`);
        if (!keywords.has(word) && isKeyword) problems.push(`${where}: scoped as a keyword`);
        if (!scopes.slice(1).some((s) => !s.startsWith('meta.'))) problems.push(`${where}: no scope`);
      }
    }
  }
  if (problems.length) {
    console.error(problems.slice(0, 50).join('\n'));
    console.error(`rules: ${problems.length} problem(s) in ${files.length} files`);
    process.exit(1);
  }
  console.log(`rules: ${checked} tokens of ${files.length} rule files under rules/ are scoped as expected`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
