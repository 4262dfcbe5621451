#!/usr/bin/env bash
# Tests of the VS Code extension (editors/vscode/). Needs node and npm;
# `npm ci` installs the pinned dependencies of package-lock.json from the
# npm registry, everything after that runs offline. Exits non-zero on the
# first failure.
set -euo pipefail
cd "$(dirname "$0")"

echo "== npm ci"
npm ci --no-audit --no-fund --loglevel=error

bin=node_modules/.bin

echo "== grammar is built from syntaxes/build.js"
node syntaxes/build.js --check

echo "== every keyword of grammar/zhibiao.pest is highlighted"
node test/keywords.js

echo "== grammar unit tests (test/unit)"
"$bin/vscode-tmgrammar-test" --compact -g syntaxes/zhibiao.tmLanguage.json "test/unit/*.zb"

echo "== grammar snapshots (test/snap)"
"$bin/vscode-tmgrammar-snap" -g syntaxes/zhibiao.tmLanguage.json -s source.zhibiao "test/snap/*.zb"

echo "== grammar over the real rule files (rules/**/*.zb)"
node test/rules.js

echo "== indentation and folding rules over the real rule files"
node test/language-configuration.js

echo "== client (extension.js)"
node --check extension.js
node test/extension.js

# vsce 3 needs Node.js 20 or newer; it only reads local files.
if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then
    echo "== vsce ls / vsce package"
    # The package holds the grammar, the client and its runtime dependency,
    # and no tests.
    "$bin/vsce" ls | node -e '
        const files = require("fs").readFileSync(0, "utf8").split("\n");
        for (const f of ["package.json", "extension.js", "language-configuration.json",
                         "syntaxes/zhibiao.tmLanguage.json", "README.md",
                         "node_modules/vscode-languageclient/node.js"]) {
            if (!files.includes(f)) { console.error(`vsce ls: ${f} would be missing from the .vsix`); process.exit(1); }
        }
        const extra = files.filter((f) => /^(test\/|test\.sh$|syntaxes\/build\.js$)/.test(f));
        if (extra.length) { console.error(`vsce ls: would package ${extra.join(" ")}`); process.exit(1); }
        console.log(`vsce ls: ${files.filter(Boolean).length} files`);
    '
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
    "$bin/vsce" package --allow-missing-repository --skip-license --out "$out/zhibiao.vsix" </dev/null >"$out/log" 2>&1 \
        || { cat "$out/log"; exit 1; }
    test -s "$out/zhibiao.vsix"
    grep -F "DONE" "$out/log"
else
    echo "== vsce skipped: Node.js $(node --version) is older than 20"
fi

echo "editors/vscode: all tests passed"
