//! `zhibiao lsp`: a language server over stdio for rule files.
//!
//! Synchronous: one thread reads messages, the main thread answers them in
//! order. A change marks its file; the file is checked again (parse,
//! merge with the files it extends, check) when no message is waiting, or
//! before a request about it is answered, so a burst of keystrokes costs
//! one check. Only the changed file is checked again.
//!
//! Time per keystroke, from an incremental change to its diagnostics
//! published (`rules/national.zb`, 307 lines, a release build on the
//! 2-core development machine): median 2.3–2.5 ms; a keystroke that leaves
//! its line unparseable (checked again without that line, for the names)
//! 5.8 ms; the variant `rules/variants/province-a.zb`, whose base is read
//! from disk at each check, 2.7–3.3 ms. A debug build takes about ten
//! times as long. Measured with `scripts/lsp-latency.py` (docs/editor.md);
//! `a_keystroke_is_checked_in_milliseconds` in `tests/lsp.rs` prints the
//! figure of the build under test.

mod actions;
mod completion;
mod definition;
mod diagnostics;
mod document;
mod formatting;
mod hover;
mod index;
pub mod position;
mod symbols;
mod transport;
pub mod uri;

use crate::driver;
use document::Document;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{notification as note, request as req, Uri};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::sync::mpsc;
use transport::Incoming;

/// Serve on stdin/stdout until `exit` or the end of input. `Err` when the
/// editor did not ask for `shutdown` first (exit code 1, as LSP says).
pub fn run(opts: driver::Options) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            while let Some(incoming) = transport::read(&mut input) {
                if tx.send(incoming).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| format!("无法启动读取线程：{e}"))?;
    let stdout = std::io::stdout();
    let mut server = Server::new(stdout.lock(), opts);
    server.serve(&rx);
    if server.shutdown {
        Ok(())
    } else {
        Err("编辑器未请求 shutdown 就结束了会话".into())
    }
}

struct Server<W: Write> {
    out: W,
    opts: driver::Options,
    docs: HashMap<Uri, Document>,
    initialized: bool,
    shutdown: bool,
    /// Writing failed: the editor has gone.
    gone: bool,
}

impl<W: Write> Server<W> {
    fn new(out: W, opts: driver::Options) -> Self {
        Server {
            out,
            opts,
            docs: HashMap::new(),
            initialized: false,
            shutdown: false,
            gone: false,
        }
    }

    fn serve(&mut self, rx: &mpsc::Receiver<Incoming>) {
        loop {
            let incoming = match rx.try_recv() {
                Ok(m) => m,
                Err(mpsc::TryRecvError::Empty) => {
                    self.check_changed();
                    match rx.recv() {
                        Ok(m) => m,
                        Err(_) => return,
                    }
                }
                Err(mpsc::TryRecvError::Disconnected) => return,
            };
            let go_on = match incoming {
                Incoming::Malformed(why) => {
                    self.gone |= transport::write_parse_error(&mut self.out, &why).is_err();
                    true
                }
                Incoming::Message(Message::Request(r)) => {
                    self.request(r);
                    true
                }
                Incoming::Message(Message::Notification(n)) => self.notification(n),
                Incoming::Message(Message::Response(_)) => true,
            };
            if !go_on || self.gone {
                return;
            }
        }
    }

    fn send(&mut self, message: Message) {
        self.gone |= transport::write(&mut self.out, &message).is_err();
    }

    fn respond(&mut self, id: RequestId, result: Result<Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(v) => Response {
                id,
                response_result: Ok(v),
            },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(Message::Response(response));
    }

    fn request(&mut self, r: Request) {
        let result = if !self.initialized && r.method != "initialize" {
            Err((ErrorCode::ServerNotInitialized, "尚未初始化".to_string()))
        } else if self.initialized && r.method == "initialize" {
            Err((ErrorCode::InvalidRequest, "已经初始化".to_string()))
        } else if self.shutdown {
            Err((ErrorCode::InvalidRequest, "已收到 shutdown".to_string()))
        } else {
            self.check_changed();
            self.answer(&r.method, r.params)
        };
        self.respond(r.id, result);
    }

    /// `false`: stop (the `exit` notification).
    fn notification(&mut self, n: Notification) -> bool {
        if n.method == "exit" {
            return false;
        }
        if !self.initialized {
            return true;
        }
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Some(p) = params::<note::DidOpenTextDocument>(n.params) {
                    let d = p.text_document;
                    let doc = Document::new(d.uri.clone(), d.text, d.version);
                    self.docs.insert(d.uri, doc);
                }
            }
            "textDocument/didChange" => {
                if let Some(p) = params::<note::DidChangeTextDocument>(n.params) {
                    if let Some(doc) = self.docs.get_mut(&p.text_document.uri) {
                        doc.version = p.text_document.version;
                        for change in p.content_changes {
                            doc.apply(change);
                        }
                    }
                }
            }
            "textDocument/didSave" => {
                // A base file saved: the files that extend it read it again.
                for doc in self.docs.values_mut() {
                    doc.dirty = true;
                }
            }
            "textDocument/didClose" => {
                if let Some(p) = params::<note::DidCloseTextDocument>(n.params) {
                    if let Some(doc) = self.docs.remove(&p.text_document.uri) {
                        self.publish(doc.uri.clone(), Vec::new(), None);
                        for uri in doc.foreign {
                            self.publish(uri, Vec::new(), None);
                        }
                        // A closed base: the files extending it publish its
                        // errors again.
                        for other in self.docs.values_mut() {
                            other.dirty = true;
                        }
                    }
                }
            }
            _ => {}
        }
        true
    }

    /// Check every changed file and publish its diagnostics.
    fn check_changed(&mut self) {
        let changed: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(_, d)| d.dirty)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in changed {
            self.check(&uri);
        }
    }

    fn check(&mut self, uri: &Uri) {
        let Some(doc) = self.docs.get_mut(uri) else {
            return;
        };
        let published = doc.check(&self.opts);
        let version = doc.version;
        let old = std::mem::take(&mut doc.foreign);
        // A base open in the editor publishes its own diagnostics.
        let foreign: Vec<_> = published
            .foreign
            .into_iter()
            .filter(|(u, _)| !self.is_open(u))
            .collect();
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.foreign = foreign.iter().map(|(u, _)| u.clone()).collect();
        }
        self.publish(uri.clone(), published.own, Some(version));
        for gone in old
            .into_iter()
            .filter(|u| !foreign.iter().any(|(f, _)| f == u))
        {
            if !self.is_open(&gone) {
                self.publish(gone, Vec::new(), None);
            }
        }
        for (u, diags) in foreign {
            self.publish(u, diags, None);
        }
    }

    /// Whether the file `uri` names is open in the editor (which may
    /// spell its URI otherwise than we do).
    fn is_open(&self, uri: &Uri) -> bool {
        self.docs.contains_key(uri) || {
            let path = uri::to_path(uri);
            path.is_some() && self.docs.values().any(|d| uri::to_path(&d.uri) == path)
        }
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let method = "textDocument/publishDiagnostics".to_string();
        if let Ok(params) = serde_json::to_value(params) {
            self.send(Message::Notification(Notification { method, params }));
        }
    }

    fn answer(&mut self, method: &str, p: Value) -> Result<Value, (ErrorCode, String)> {
        match method {
            "initialize" => {
                self.initialized = true;
                to_json(initialize_result())
            }
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/hover" => {
                let p: lsp_types::HoverParams = parse(p)?;
                let at = p.text_document_position_params;
                to_json(self.at(&at, |_, snap, file, offset| {
                    hover::hover(snap, file, offset)
                }))
            }
            "textDocument/definition" => {
                let p: lsp_types::GotoDefinitionParams = parse(p)?;
                let at = p.text_document_position_params;
                to_json(self.at(&at, |doc, snap, file, offset| {
                    definition::definition(snap, &doc.uri, file, offset)
                        .map(lsp_types::GotoDefinitionResponse::Scalar)
                }))
            }
            "textDocument/references" => {
                let p: lsp_types::ReferenceParams = parse(p)?;
                let with_decl = p.context.include_declaration;
                to_json(
                    self.at(&p.text_document_position, |doc, snap, file, offset| {
                        Some(definition::references(
                            snap, &doc.uri, file, offset, with_decl,
                        ))
                    }),
                )
            }
            "textDocument/completion" => {
                let p: lsp_types::CompletionParams = parse(p)?;
                let at = p.text_document_position;
                let list = self.docs.get(&at.text_document.uri).map(|doc| {
                    let offset = position::Lines::new(&doc.text).offset(at.position);
                    completion::complete(&doc.text, offset, doc.snapshot.as_ref())
                });
                to_json(list.map(lsp_types::CompletionResponse::List))
            }
            "textDocument/documentSymbol" => {
                let p: lsp_types::DocumentSymbolParams = parse(p)?;
                let symbols = self
                    .docs
                    .get(&p.text_document.uri)
                    .and_then(|d| d.snapshot.as_ref())
                    .map(symbols::symbols);
                to_json(symbols.map(lsp_types::DocumentSymbolResponse::Nested))
            }
            "textDocument/formatting" => {
                let p: lsp_types::DocumentFormattingParams = parse(p)?;
                let edits = self
                    .docs
                    .get(&p.text_document.uri)
                    .map(|d| formatting::format(&d.text));
                to_json(edits)
            }
            "textDocument/codeAction" => {
                let p: lsp_types::CodeActionParams = parse(p)?;
                let fixes = self
                    .docs
                    .get(&p.text_document.uri)
                    .map(|d| actions::quick_fixes(d, p.range));
                to_json(fixes)
            }
            _ => Err((ErrorCode::MethodNotFound, format!("不支持的请求：{method}"))),
        }
    }

    /// Run `f` on the name under a position of an open file.
    fn at<T>(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
        f: impl FnOnce(&Document, &document::Snapshot, crate::source::FileId, usize) -> Option<T>,
    ) -> Option<T> {
        let doc = self.docs.get(&at.text_document.uri)?;
        let snap = doc.snapshot.as_ref()?;
        let offset = position::Lines::new(snap.files.source(snap.root)).offset(at.position);
        f(doc, snap, snap.root, offset)
    }
}

fn params<N: lsp_types::notification::Notification>(v: Value) -> Option<N::Params> {
    serde_json::from_value(v).ok()
}

fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, format!("参数无效：{e}")))
}

fn to_json(v: impl serde::Serialize) -> Result<Value, (ErrorCode, String)> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn initialize_result() -> lsp_types::InitializeResult {
    use lsp_types::*;
    InitializeResult {
        capabilities: ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![".".into(), " ".into(), "(".into()]),
                ..Default::default()
            }),
            document_symbol_provider: Some(OneOf::Left(true)),
            document_formatting_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..Default::default()
            })),
            ..Default::default()
        },
        server_info: Some(ServerInfo {
            name: "zhibiao".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    }
}

// Keep the request types referenced so a rename in lsp-types is a
// compile error here, not a silent mismatch of method names.
const _: [&str; 7] = [
    <req::HoverRequest as req::Request>::METHOD,
    <req::GotoDefinition as req::Request>::METHOD,
    <req::References as req::Request>::METHOD,
    <req::Completion as req::Request>::METHOD,
    <req::DocumentSymbolRequest as req::Request>::METHOD,
    <req::Formatting as req::Request>::METHOD,
    <req::CodeActionRequest as req::Request>::METHOD,
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Pieces typed into the file: keywords, brackets, mistakes, a
    /// character outside the BMP, a `继承` that cannot be followed.
    const TYPED: &[&str] = &[
        "指标 ",
        "{",
        "}",
        "令 x = ",
        "分档 ",
        "修改 指标 1.1 ",
        "😀",
        "\n",
        "≥ 9.5 得 4 分",
        "条数(失信事件 满足 ",
        "继承 \"../national.zb\"\n",
        "审察率",
        "# ",
        "\"",
        "删除 ",
    ];

    fn message(v: Value) -> Incoming {
        Incoming::Message(serde_json::from_value(v).unwrap())
    }

    fn at(uri: &str, line: u32, character: u32) -> Value {
        json!({
            "textDocument": { "uri": uri },
            "position": { "line": line, "character": character },
            "context": { "includeDeclaration": true, "triggerKind": 1, "diagnostics": [] },
            "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": character } },
            "options": { "tabSize": 2, "insertSpaces": true },
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// Random typing anywhere in national.zb, and every request at
        /// random places: every request is answered, nothing fails.
        #[test]
        fn random_typing_and_requests_are_answered(
            edits in proptest::collection::vec((0u32..320, 0u32..50, 0..TYPED.len()), 1..6),
            asks in proptest::collection::vec((0u32..320, 0u32..50), 1..4),
        ) {
            let uri = "file:///nonexistent/zhibiao/national.zb";
            let text = std::fs::read_to_string("rules/national.zb").unwrap();
            let (tx, rx) = mpsc::channel();
            let mut id = 0;
            let mut request = |method: &str, params: Value| {
                id += 1;
                message(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            };
            let mut sent = vec![request("initialize", json!({ "capabilities": {} }))];
            let doc = json!({ "uri": uri, "languageId": "zhibiao", "version": 1, "text": text });
            sent.push(message(json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": doc } })));
            for (i, (line, character, typed)) in edits.iter().enumerate() {
                let p = json!({ "line": line, "character": character });
                let change = json!({ "range": { "start": p, "end": p }, "text": TYPED[*typed] });
                sent.push(message(json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": { "uri": uri, "version": i + 2 }, "contentChanges": [change] } })));
                for (line, character) in &asks {
                    for method in ["textDocument/hover", "textDocument/definition", "textDocument/references",
                        "textDocument/completion", "textDocument/documentSymbol", "textDocument/formatting",
                        "textDocument/codeAction"] {
                        sent.push(request(method, at(uri, *line, *character)));
                    }
                }
            }
            sent.push(request("shutdown", Value::Null));
            let asked = id;
            for m in sent {
                tx.send(m).unwrap();
            }
            drop(tx);
            let mut out = Vec::new();
            let mut server = Server::new(&mut out, driver::Options::default());
            server.serve(&rx);
            prop_assert!(server.shutdown && !server.gone);
            let text = String::from_utf8(out).unwrap();
            let answered = text.matches("Content-Length").count()
                - text.matches("publishDiagnostics").count();
            prop_assert_eq!(answered, asked);
            prop_assert!(!text.contains("\"error\""), "{}", text);
        }
    }
}
