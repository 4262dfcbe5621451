// Checks that the grammar knows every keyword of the language: the strings
// of grammar/zhibiao.pest's `keyword` list and of its kw_* rules must be
// exactly the keywords of syntaxes/build.js (rule keywords + test-file
// keywords), so a keyword added to the language fails here until the
// grammar has it.
'use strict';

const fs = require('fs');
const path = require('path');
const { KEYWORDS, TEST_KEYWORDS } = require('../syntaxes/build.js');

const pest = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'grammar', 'zhibiao.pest'), 'utf8');
const strings = (text) => [...text.matchAll(/"([^"\\]+)"/g)].map((m) => m[1]);

const listMatch = pest.match(/^keyword\s*=\s*_\{([\s\S]*?)^\}/m);
if (!listMatch) throw new Error('no `keyword = _{ … }` rule in grammar/zhibiao.pest');
const list = strings(listMatch[1].replace(/\/\/.*$/gm, ''));
const kwRules = [...pest.matchAll(/^kw_\w+\s*=\s*@\{\s*"([^"]+)"/gm)].map((m) => m[1]);

const pestWords = new Set([...list, ...kwRules]);
const ours = new Set([...Object.values(KEYWORDS).flat(), ...TEST_KEYWORDS]);

const missing = [...pestWords].filter((w) => !ours.has(w));
const extra = [...ours].filter((w) => !pestWords.has(w));
if (list.length < 40 || kwRules.length < 40) {
  console.error(`keywords.js: read only ${list.length} keywords and ${kwRules.length} kw_* rules from the .pest file`);
  process.exit(1);
}
if (missing.length || extra.length) {
  if (missing.length) console.error(`keywords of grammar/zhibiao.pest missing from syntaxes/build.js: ${missing.join(' ')}`);
  if (extra.length) console.error(`keywords in syntaxes/build.js that grammar/zhibiao.pest does not have: ${extra.join(' ')}`);
  process.exit(1);
}
console.log(`keywords: all ${pestWords.size} keywords of grammar/zhibiao.pest are in the grammar`);
