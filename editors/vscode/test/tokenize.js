// Tokenizes files with the grammar the way VS Code does (vscode-textmate
// with the Oniguruma WASM build). Used by test/rules.js; run on its own to
// see the scopes of a file:  node test/tokenize.js ../../rules/national.zb
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR = path.join(__dirname, '..', 'syntaxes', 'zhibiao.tmLanguage.json');

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () =>
      vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR),
  });
  return registry.loadGrammar('source.zhibiao');
}

/** [{line, tokens: [{text, scopes}]}] for the text. */
function tokenize(grammar, text) {
  let stack = vsctm.INITIAL;
  return text.split(/\r?\n/).map((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return {
      line: i + 1,
      text: line,
      tokens: r.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })),
    };
  });
}

module.exports = { loadGrammar, tokenize };

if (require.main === module) {
  (async () => {
    const grammar = await loadGrammar();
    for (const file of process.argv.slice(2)) {
      for (const l of tokenize(grammar, fs.readFileSync(file, 'utf8'))) {
        if (!l.text.trim()) continue;
        console.log(`${l.line}: ${l.text}`);
        for (const t of l.tokens) {
          if (!t.text.trim()) continue;
          console.log(`    ${JSON.stringify(t.text)}  ${t.scopes.slice(1).join(' ')}`);
        }
      }
    }
  })();
}
