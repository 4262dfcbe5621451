// VS Code client of the zhibiao language server.
//
// Starts `<zhibiao.serverPath> lsp` (default `zhibiao lsp`, found on PATH)
// and talks LSP to it over stdin/stdout. Highlighting does not need the
// server: it comes from syntaxes/zhibiao.tmLanguage.json. If the server
// cannot be started, the extension says so once and keeps highlighting.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

const SECTION = 'zhibiao';

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;
/** @type {vscode.FileSystemWatcher | undefined} */
let watcher;

function serverPath() {
  const configured = vscode.workspace.getConfiguration(SECTION).get('serverPath');
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : 'zhibiao';
}

/**
 * Whether `command` names an executable file: a path as it is, a bare name
 * looked up on PATH (with PATHEXT on Windows). Checked before starting so a
 * missing zhibiao gives one clear message, not the client's own error too.
 * @param {string} command
 */
function executableExists(command) {
  const exts = process.platform === 'win32' ? ['', ...(process.env.PATHEXT || '.EXE;.CMD;.BAT').split(';')] : [''];
  const isFile = (p) => exts.some((ext) => {
    try {
      return fs.statSync(p + ext).isFile();
    } catch {
      return false;
    }
  });
  if (command.includes('/') || command.includes('\\')) {
    return isFile(command);
  }
  return (process.env.PATH || '').split(path.delimiter).some((dir) => dir && isFile(path.join(dir, command)));
}

/** @param {string} message */
function reportNotStarted(message) {
  // Not awaited: the promise stays pending until the notification is
  // closed, and activation must not wait for that.
  const open = '打开设置';
  vscode.window
    .showErrorMessage(
      `无法启动指标规则语言服务器“${serverPath()} lsp”：${message}。` +
        '请安装 zhibiao 并确认它在 PATH 中，或在设置 zhibiao.serverPath 中填写它的完整路径。语法高亮不受影响。',
      open,
    )
    .then((choice) => {
      if (choice === open) {
        vscode.commands.executeCommand('workbench.action.openSettings', 'zhibiao.serverPath');
      }
    });
}

function createClient() {
  const command = serverPath();
  /** @type {import('vscode-languageclient/node').ServerOptions} */
  const serverOptions = {
    run: { command, args: ['lsp'], transport: TransportKind.stdio },
    debug: { command, args: ['lsp'], transport: TransportKind.stdio },
  };
  /** @type {import('vscode-languageclient').LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'zhibiao' },
      { scheme: 'untitled', language: 'zhibiao' },
    ],
    outputChannel: output,
    synchronize: {
      fileEvents: watcher,
    },
  };
  return new LanguageClient('zhibiao', '指标规则语言服务器', serverOptions, clientOptions);
}

async function start() {
  if (!executableExists(serverPath())) {
    reportNotStarted('找不到该程序');
    return;
  }
  client = createClient();
  try {
    await client.start();
  } catch (err) {
    const failed = client;
    client = undefined;
    try {
      await failed.dispose();
    } catch {
      // the server never ran; nothing to shut down
    }
    reportNotStarted(err instanceof Error ? err.message : String(err));
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      // A server that already exited cannot be stopped; start afresh anyway.
      output?.appendLine(`停止语言服务器时出错：${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function restart() {
  await stop();
  await start();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel('指标规则语言服务器');
  // One watcher for every client the extension starts (restarts included).
  // Rule files refer to each other (继承 "../national.zb", 测试 "national.zb").
  watcher = vscode.workspace.createFileSystemWatcher('**/*.zb');
  context.subscriptions.push(
    output,
    watcher,
    vscode.commands.registerCommand('zhibiao.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.serverPath`)) {
        void restart();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
