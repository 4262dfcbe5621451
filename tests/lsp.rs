//! `zhibiao lsp` spoken to as an editor does: the binary is started with
//! `lsp`, JSON-RPC messages go to its stdin and come from its stdout with
//! `Content-Length` framing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    from_server: mpsc::Receiver<Value>,
    /// Notifications received while waiting for something else.
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    /// The server started and initialized.
    fn start(args: &[&str]) -> Client {
        let mut c = Client::spawn(args);
        let init = c.request(
            "initialize",
            json!({ "capabilities": {}, "processId": null }),
        );
        assert_eq!(init["serverInfo"]["name"], "zhibiao");
        c.notify("initialized", json!({}));
        c
    }

    /// The server started, not yet initialized.
    fn spawn(args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
            .arg("lsp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            from_server: rx,
            pending: Vec::new(),
            next_id: 1,
        }
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        let msg = json!({ "jsonrpc": "2.0", "method": method, "params": params });
        self.send_raw(&msg.to_string());
    }

    /// The whole response (result or error) to a request.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.send_raw(&msg.to_string());
        self.wait(|v| v["id"] == json!(id) && v.get("method").is_none())
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    fn wait(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&want) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .from_server
                .recv_timeout(left)
                .expect("the server answers in time");
            if want(&v) {
                return v;
            }
            self.pending.push(v);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let v = self.wait(|v| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
        });
        v["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, uri: &str, text: &str) {
        let doc = json!({ "uri": uri, "languageId": "zhibiao", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    }

    fn at(&mut self, method: &str, uri: &str, pos: Value) -> Value {
        let mut params = json!({ "textDocument": { "uri": uri }, "position": pos });
        if method == "textDocument/references" {
            params["context"] = json!({ "includeDeclaration": true });
        }
        self.request(method, params)
    }

    /// shutdown, exit, and the exit code.
    fn finish(mut self) -> Option<i32> {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn national() -> String {
    std::fs::read_to_string(root().join("rules/national.zb")).unwrap()
}

/// The `file:` URI of a path, as editors write it (non-ASCII bytes
/// percent-encoded).
fn uri_of(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The LSP position (UTF-16 code units) of byte `offset` of `text`.
fn pos(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[start..].encode_utf16().count();
    json!({ "line": line, "character": character })
}

fn range(text: &str, start: usize, end: usize) -> Value {
    json!({ "start": pos(text, start), "end": pos(text, end) })
}

/// Byte offset of the `n`th character of `needle` in `text`.
fn find(text: &str, needle: &str, skip_chars: usize) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    at + needle
        .chars()
        .take(skip_chars)
        .map(char::len_utf8)
        .sum::<usize>()
}

fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().filter_map(|d| d["code"].as_str()).collect()
}

#[test]
fn diagnostics_with_their_exact_range_and_quick_fix() {
    let text = national().replace("分档 审查率", "分档 审察率");
    let uri = uri_of(&root().join("rules/national.zb"));
    let mut c = Client::start(&[]);
    c.open(&uri, &text);
    let diags = c.diagnostics(&uri);
    assert_eq!(codes(&diags), ["E0101"], "{diags:#?}");
    let d = &diags[0];
    let at = text.find("审察率").unwrap();
    assert_eq!(d["range"], range(&text, at, at + "审察率".len()));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "zhibiao");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("未知的名称“审察率”"), "{message}");
    assert!(message.contains("帮助:"), "{message}");

    // The diagnostic's fix, as a quick fix.
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": d["range"], "context": { "diagnostics": [d] } }),
    );
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    let edit = &action["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "审查率");
    assert_eq!(edit["range"], d["range"]);

    // Fixed by an incremental change: the diagnostics are cleared.
    let change = json!({ "range": d["range"], "text": "审查率" });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [change] }),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn a_band_row_that_cannot_be_reached_has_its_secondary_label_as_related_information() {
    let text = national().replace(
        "≥ 95% 得 4 分\n        ≥ 90% 得 3 分",
        "≥ 85% 得 4 分\n        ≥ 90% 得 3 分",
    );
    let uri = uri_of(&root().join("rules/national.zb"));
    let mut c = Client::start(&[]);
    c.open(&uri, &text);
    let diags = c.diagnostics(&uri);
    let d = diags
        .iter()
        .find(|d| d["code"] == "E0306")
        .unwrap_or_else(|| panic!("no E0306 in {diags:#?}"));
    let row = text.find("≥ 90% 得 3 分").unwrap();
    assert_eq!(d["range"]["start"], pos(&text, row));
    let related = d["relatedInformation"].as_array().unwrap();
    let earlier = pos(&text, text.find("≥ 85% 得 4 分").unwrap());
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == uri && r["location"]["range"]["start"] == earlier),
        "{related:#?}"
    );
    c.finish();
}

#[test]
fn hover_definition_references_and_symbols() {
    let text = national();
    let uri = uri_of(&root().join("rules/national.zb"));
    let mut c = Client::start(&[]);
    c.open(&uri, &text);
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    // A field: its table, type, unit and constraints.
    let use_at = find(&text, "重大决策已审查数 ÷", 2);
    let h = c.at("textDocument/hover", &uri, pos(&text, use_at));
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.contains("字段 重大决策已审查数"), "{value}");
    assert!(value.contains("对象表 主体"), "{value}");
    assert!(value.contains("计数"), "{value}");
    assert!(value.contains("不大于 重大决策数"), "{value}");
    let start = text.find("重大决策已审查数 ÷").unwrap();
    assert_eq!(
        h["range"],
        range(&text, start, start + "重大决策已审查数".len())
    );

    // An indicator code: name, points, parent, rule in words.
    let code_at = find(&text, "1.1.1 重大", 2);
    let h = c.at("textDocument/hover", &uri, pos(&text, code_at));
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("指标 1.1.1 重大行政决策合法性审查"),
        "{value}"
    );
    assert!(value.contains("满分 5 分"), "{value}");
    assert!(value.contains("上级指标 1.1 依法科学民主决策"), "{value}");
    assert!(value.contains("审查率 = "), "{value}");

    // A parameter: its value.
    let h = c.at(
        "textDocument/hover",
        &uri,
        pos(&text, find(&text, "日期(评价年度", 4)),
    );
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.contains("2025"), "{value}");

    // Definition of a field used in a rule: its declaration.
    let used = find(&text, "分档 主动公开达标率", 4);
    let def = c.at("textDocument/definition", &uri, pos(&text, used));
    let decl = text.find("主动公开达标率: 百分数").unwrap();
    assert_eq!(def["uri"], uri);
    assert_eq!(
        def["range"],
        range(&text, decl, decl + "主动公开达标率".len())
    );

    // Definition of a 令 from its use; references of it.
    let used = find(&text, "分档 败诉率", 3);
    let def = c.at("textDocument/definition", &uri, pos(&text, used));
    assert_eq!(
        def["range"]["start"],
        pos(&text, find(&text, "令 败诉率", 2))
    );
    let refs = c.at("textDocument/references", &uri, pos(&text, used));
    assert_eq!(refs.as_array().unwrap().len(), 2, "{refs:#?}");

    // References of a period: its declaration and the seven uses.
    let refs = c.at(
        "textDocument/references",
        &uri,
        pos(&text, find(&text, "期间 评价期间", 3)),
    );
    assert_eq!(
        refs.as_array().unwrap().len(),
        1 + text.matches("在 评价期间").count()
    );

    // The outline: tables, the indicator tree with points, bonus, vetoes, grades.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for want in [
        "主体",
        "失信事件",
        "1 依法行政",
        "5 履职成效",
        "加分 B1 政务诚信创新举措",
        "否决 V2 重大政务失信事件",
        "等级",
    ] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
    let first = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "1 依法行政")
        .unwrap();
    assert_eq!(first["detail"], "25 分");
    assert_eq!(first["children"][0]["name"], "1.1 依法科学民主决策");
    assert_eq!(first["children"][0]["children"][0]["detail"], "5 分");
    c.finish();
}

#[test]
fn completion_after_a_partial_field_name() {
    let text = national();
    let uri = uri_of(&root().join("rules/national.zb"));
    let mut c = Client::start(&[]);
    c.open(&uri, &text);
    c.diagnostics(&uri);
    // Type `分档 重大决` on a new line of 1.1.2: the file no longer parses.
    let at = find(&text, "扣分 扣完为止", 0);
    let typed = "分档 重大决\n      ";
    let change = json!({ "range": range(&text, at, at), "text": typed });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [change] }),
    );
    let new_text = format!("{}{typed}{}", &text[..at], &text[at..]);
    let cursor = at + "分档 重大决".len();
    let list = c.at("textDocument/completion", &uri, pos(&new_text, cursor));
    let items = list["items"].as_array().unwrap();
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["重大决策数", "重大决策已审查数"]);
    let word = at + "分档 ".len();
    assert_eq!(
        items[0]["textEdit"]["range"],
        range(&new_text, word, cursor)
    );

    // Where a number is expected only numeric fields are offered.
    let after_keyword = at + "分档 ".len();
    let list = c.at(
        "textDocument/completion",
        &uri,
        pos(&new_text, after_keyword),
    );
    let labels: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect();
    assert!(labels.contains(&"群众满意度".to_string()), "{labels:?}");
    assert!(!labels.contains(&"执法公示制度".to_string()), "{labels:?}");
    assert!(!labels.contains(&"名称".to_string()), "{labels:?}");
    c.finish();
}

#[test]
fn formatting_a_badly_indented_file_and_leaving_a_broken_one_alone() {
    let text = national();
    let flat: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    let uri = uri_of(&root().join("rules/national.zb"));
    let mut c = Client::start(&[]);
    c.open(&uri, &flat);
    let edits = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], text);
    assert_eq!(edits[0]["range"], range(&flat, 0, flat.len()));

    let broken = uri_of(&root().join("rules/broken.zb"));
    c.open(&broken, "指标 1 x 5 分 {\n公式 (1 +\n}\n");
    let edits = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": broken }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits, json!([]));
    c.finish();
}

#[test]
fn a_variant_shows_the_errors_of_the_base_it_extends() {
    let dir = tempfile::tempdir().unwrap();
    let base_path = dir.path().join("基础.zb");
    let base_text = national().replace("分档 审查率", "分档 审察率");
    std::fs::write(&base_path, &base_text).unwrap();
    let variant_text = std::fs::read_to_string(root().join("rules/variants/province-a.zb"))
        .unwrap()
        .replace("继承 \"../national.zb\"", "继承 \"基础.zb\"");
    let variant_path = dir.path().join("变体.zb");
    std::fs::write(&variant_path, &variant_text).unwrap();
    let variant = uri_of(&variant_path);
    let base = uri_of(&base_path);

    let root_arg = dir.path().to_str().unwrap().to_string();
    let mut c = Client::start(&["--rules-root", &root_arg]);
    c.open(&variant, &variant_text);
    // The base's error, in the base file.
    let in_base = c.diagnostics(&base);
    assert_eq!(codes(&in_base), ["E0101"]);
    let at = base_text.find("审察率").unwrap();
    assert_eq!(
        in_base[0]["range"],
        range(&base_text, at, at + "审察率".len())
    );
    // And summed up on the variant's 继承 line.
    let own = c.diagnostics(&variant);
    let summary = own.iter().find(|d| d["code"] == "E0101").unwrap();
    let extends = variant_text.find("继承").unwrap();
    assert_eq!(
        summary["range"]["start"]["line"],
        pos(&variant_text, extends)["line"]
    );
    let related = &summary["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], base);

    // From the variant's `修改 指标 1.3.1` to the base's indicator.
    let modify = find(&variant_text, "修改 指标 1.3.1", 7);
    let def = c.at(
        "textDocument/definition",
        &variant,
        pos(&variant_text, modify),
    );
    assert_eq!(def["uri"], base);
    assert_eq!(
        def["range"]["start"],
        pos(&base_text, base_text.find("1.3.1 行政").unwrap())
    );

    // After `修改 指标 1.3.`: the base's indicator codes.
    let typing = find(
        &variant_text,
        "修改 指标 1.3.1",
        "修改 指标 1.3.".chars().count(),
    );
    let list = c.at(
        "textDocument/completion",
        &variant,
        pos(&variant_text, typing),
    );
    let labels: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["1.3.1", "1.3.2"]);
    c.finish();
}

#[test]
fn nothing_the_editor_sends_stops_the_server() {
    let mut c = Client::start(&[]);
    c.send_raw("{this is not json");
    let error = c.wait(|v| v["error"]["code"] == -32700);
    assert_eq!(error["id"], Value::Null);
    // Unknown files, positions far out of range, bad params, unknown methods.
    let nowhere = "file:///nowhere/none.zb";
    let far = json!({ "line": 99999, "character": 99999 });
    assert_eq!(
        c.at("textDocument/hover", nowhere, far.clone()),
        Value::Null
    );
    let uri = uri_of(&root().join("rules/national.zb"));
    c.open(&uri, "指标 1 测试 5 分 {\n  公式 5\n}\n");
    c.diagnostics(&uri);
    assert_eq!(c.at("textDocument/hover", &uri, far.clone()), Value::Null);
    assert_eq!(
        c.at("textDocument/definition", &uri, far.clone()),
        Value::Null
    );
    let list = c.at("textDocument/completion", &uri, far);
    assert!(list["items"].is_array());
    let bad = c.call("textDocument/hover", json!({ "textDocument": 5 }));
    assert_eq!(bad["error"]["code"], -32602);
    let unknown = c.call("zhibiao/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    // A change with a range past the end, then text that is not rules.
    let change = json!({ "range": { "start": { "line": 500, "character": 3 }, "end": { "line": 1, "character": 0 } }, "text": "😀\u{0}“" });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [change] }),
    );
    let diags = c.diagnostics(&uri);
    assert!(!diags.is_empty());
    assert_eq!(c.finish(), Some(0));
}

/// Time from a keystroke (one incremental change to national.zb) to its
/// diagnostics. Printed, not asserted beyond a generous bound: the
/// machine may be busy. docs/editor.md gives the figure measured.
#[test]
fn a_keystroke_is_checked_in_milliseconds() {
    let text = national();
    let uri = uri_of(&root().join("rules/national.zb"));
    let mut c = Client::start(&[]);
    c.open(&uri, &text);
    c.diagnostics(&uri);
    let at = find(&text, "≥ 95% 得 4 分", 0);
    let runs = 30;
    let started = Instant::now();
    for i in 0..runs {
        // Type a space, then take it back.
        let (r, t) = if i % 2 == 0 {
            (range(&text, at, at), " ")
        } else {
            let mut p = pos(&text, at);
            let mut e = p.clone();
            e["character"] = json!(p["character"].as_u64().unwrap() + 1);
            p["character"] = json!(p["character"].as_u64().unwrap());
            (json!({ "start": p, "end": e }), "")
        };
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": i + 2 }, "contentChanges": [{ "range": r, "text": t }] }),
        );
        c.diagnostics(&uri);
    }
    let each = started.elapsed() / runs;
    eprintln!("national.zb: {each:?} from a keystroke to its diagnostics");
    assert!(each < Duration::from_secs(2), "{each:?} per keystroke");
    c.finish();
}

#[test]
fn the_lifecycle_is_kept() {
    let mut c = Client::spawn(&[]);
    let early = c.call("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    c.request("initialize", json!({ "capabilities": {} }));
    let again = c.call("initialize", json!({ "capabilities": {} }));
    assert_eq!(again["error"]["code"], -32600);
    assert_eq!(c.finish(), Some(0));

    // `exit` without `shutdown`: exit code 1, as LSP says.
    let mut c = Client::start(&[]);
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
}

#[test]
fn completion_in_a_file_opened_while_it_does_not_parse() {
    let text = national();
    let at = find(&text, "扣分 扣完为止", 0);
    let broken = format!("{}分档 重大决\n      {}", &text[..at], &text[at..]);
    let uri = uri_of(&root().join("rules/national.zb"));
    let mut c = Client::start(&[]);
    c.open(&uri, &broken);
    assert_eq!(codes(&c.diagnostics(&uri)), ["E0001"]);
    let cursor = at + "分档 重大决".len();
    let list = c.at("textDocument/completion", &uri, pos(&broken, cursor));
    let labels: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["重大决策数", "重大决策已审查数"]);
    // Hover below the broken line still finds the names.
    let below = find(&broken, "分档 主动公开达标率", 4);
    let h = c.at("textDocument/hover", &uri, pos(&broken, below));
    assert!(h["contents"]["value"].as_str().unwrap().contains("百分数"));
    c.finish();
}
