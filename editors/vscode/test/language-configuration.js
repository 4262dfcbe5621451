// Checks language-configuration.json on the real rule files (formatted by
// `zhibiao fmt`, two spaces a level): the indentation rules reproduce the
// files' own indentation line by line, and the brace folding markers pair
// up in every file.
'use strict';

const fs = require('fs');
const path = require('path');
const config = require('../language-configuration.json');

const ROOT = path.join(__dirname, '..', '..', '..');
const increase = new RegExp(config.indentationRules.increaseIndentPattern);
const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
const foldStart = new RegExp(config.folding.markers.start);
const foldEnd = new RegExp(config.folding.markers.end);
new RegExp(config.wordPattern.pattern, config.wordPattern.flags);

function ruleFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return ruleFiles(p);
    return e.name.endsWith('.zb') ? [p] : [];
  });
}

const problems = [];
const files = ruleFiles(path.join(ROOT, 'rules'));
let lines = 0;
for (const file of files) {
  const rel = path.relative(ROOT, file);
  let level = 0;
  let folds = 0;
  fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    lines++;
    if (decrease.test(line)) level--;
    const actual = line.length - line.trimStart().length;
    if (!line.trimStart().startsWith('#') && actual !== 2 * level) {
      problems.push(`${rel}:${i + 1}: indented ${actual}, the rules give ${2 * level}: ${line}`);
    }
    if (increase.test(line)) level++;
    if (foldEnd.test(line)) folds--;
    if (folds < 0) problems.push(`${rel}:${i + 1}: folding end marker without a start`);
    if (foldStart.test(line)) folds++;
  });
  if (folds > 0) problems.push(`${rel}: ${folds} folding start marker(s) without an end`);
}
if (problems.length) {
  console.error(problems.slice(0, 30).join('\n'));
  console.error(`language-configuration: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`language-configuration: indentation and folding match ${lines} lines of ${files.length} rule files`);
