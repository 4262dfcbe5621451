// Unit test of extension.js without VS Code: `vscode` and
// `vscode-languageclient/node` are replaced by stubs, and the test checks
// that the client starts `<zhibiao.serverPath> lsp` over stdio for zhibiao
// documents, restarts when the setting changes, and that a server that
// cannot be started gives one error message instead of a failed activation.
'use strict';

const assert = require('assert');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');

// A fake `zhibiao` on PATH and another one named by its full path.
const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'zhibiao-ext-'));
const fakeServer = path.join(bin, process.platform === 'win32' ? 'zhibiao.cmd' : 'zhibiao');
fs.writeFileSync(fakeServer, '');
const otherServer = path.join(bin, 'zhibiao-dev');
fs.writeFileSync(otherServer, '');
process.env.PATH = bin + path.delimiter + (process.env.PATH || '');

const events = [];
let settings = {};
let startShouldFail = false;
let configListener;

class FakeClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions });
    events.push(['new', this]);
  }
  async start() {
    events.push(['start', this]);
    if (startShouldFail) throw new Error('spawn zhibiao ENOENT');
  }
  async stop() {
    events.push(['stop', this]);
  }
  async dispose() {
    events.push(['dispose', this]);
  }
}

const vscode = {
  workspace: {
    getConfiguration: (section) => ({ get: (key) => settings[`${section}.${key}`] }),
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    onDidChangeConfiguration: (fn) => {
      configListener = fn;
      return { dispose() {} };
    },
  },
  window: {
    createOutputChannel: (name) => ({ name, dispose() {} }),
    showErrorMessage: async (message) => {
      events.push(['error', message]);
      return undefined;
    },
  },
  commands: {
    registerCommand: (id, fn) => ({ id, fn, dispose() {} }),
    executeCommand: async () => {},
  },
};

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient: FakeClient, TransportKind: { stdio: 0 } };
  return load.call(this, request, parent, isMain);
};
const extension = require(path.join(__dirname, '..', 'extension.js'));

(async () => {
  const context = { subscriptions: [] };
  await extension.activate(context);
  const [, client] = events.find((e) => e[0] === 'new');
  assert.deepStrictEqual(client.serverOptions.run, { command: 'zhibiao', args: ['lsp'], transport: 0 });
  assert.deepStrictEqual(client.clientOptions.documentSelector.map((s) => s.language), ['zhibiao', 'zhibiao']);
  assert.ok(events.some((e) => e[0] === 'start' && e[1] === client), 'client started');
  assert.ok(context.subscriptions.some((s) => s.id === 'zhibiao.restartServer'), 'restart command registered');

  // Changing zhibiao.serverPath restarts the server with the new path.
  settings['zhibiao.serverPath'] = ` ${otherServer} `;
  events.length = 0;
  configListener({ affectsConfiguration: (s) => s === 'zhibiao.serverPath' });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepStrictEqual(events.map((e) => e[0]), ['stop', 'new', 'start']);
  assert.strictEqual(events[1][1].serverOptions.run.command, otherServer);

  // Another setting changing does nothing.
  events.length = 0;
  configListener({ affectsConfiguration: () => false });
  assert.deepStrictEqual(events, []);

  // A server that fails to start: one error message naming the setting, no throw.
  startShouldFail = true;
  settings['zhibiao.serverPath'] = '';
  events.length = 0;
  const restart = context.subscriptions.find((s) => s.id === 'zhibiao.restartServer').fn;
  await restart();
  let errors = events.filter((e) => e[0] === 'error');
  assert.strictEqual(errors.length, 1);
  assert.match(errors[0][1], /“zhibiao lsp”/);
  assert.match(errors[0][1], /ENOENT/);
  assert.match(errors[0][1], /zhibiao\.serverPath/);
  assert.ok(events.some((e) => e[0] === 'dispose'), 'the failed client is disposed');

  // A server that is not there: the message, and no client at all.
  settings['zhibiao.serverPath'] = path.join(bin, 'missing');
  events.length = 0;
  await restart();
  errors = events.filter((e) => e[0] === 'error');
  assert.strictEqual(errors.length, 1);
  assert.match(errors[0][1], /找不到该程序/);
  assert.ok(!events.some((e) => e[0] === 'new'), 'no client for a missing server');
  await extension.deactivate(); // nothing running: must not throw
  fs.rmSync(bin, { recursive: true, force: true });

  console.log('extension: the client starts `zhibiao lsp` over stdio and handles a missing server');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
