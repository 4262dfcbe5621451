//! JSON text to raw cells. A small hand-written reader rather than
//! serde_json: numbers must keep their exact digits (`0.10`,
//! `12345678901234567.89` never pass through f64) and every object must
//! keep the editor line of its `{` for messages.
//!
//! Accepted shape: `[ {"字段": 值, …}, … ]` where a value is a string,
//! number, `true`/`false` or `null`.

use super::error::{ErrorKind, EvidenceError, Sink};
use super::raw::{Cells, RawCell, RawRow, RawTable};
use std::path::Path;

/// A value inside an object; `Nested` is an array or object (not allowed).
enum JsonValue {
    Cell(RawCell<'static>),
    Nested,
}

struct Object {
    line: usize,
    members: Vec<(String, JsonValue)>,
}

/// Read decoded JSON text. Problems go to `sink`; `None` when the text is
/// not valid JSON (nothing after a syntax error can be trusted).
pub(crate) fn read(text: &str, path: &Path, sink: &mut Sink) -> Option<RawTable> {
    let mut p = Parser {
        src: text,
        pos: 0,
        line: 1,
        dropped: 0,
    };
    let objects = match p.document(path, sink) {
        Ok(objects) => objects,
        Err(msg) => {
            let e = EvidenceError::new(ErrorKind::JsonShape, msg)
                .in_file(path)
                .at_line(p.line);
            sink.push(e);
            return None;
        }
    };
    let mut table = to_table(objects, path, sink);
    table.dropped = p.dropped;
    Some(table)
}

/// Lay the objects out as columns: the header is every key in order of
/// first appearance; a key missing from an object is `Absent`.
fn to_table(objects: Vec<Object>, path: &Path, sink: &mut Sink) -> RawTable {
    let mut table = RawTable {
        header: Vec::new(),
        header_line: 1,
        has_header: !objects.is_empty(),
        rows: Vec::new(),
        dropped: 0,
    };
    for obj in &objects {
        for (key, _) in &obj.members {
            if !table.header.contains(key) {
                table.header.push(key.clone());
            }
        }
    }
    for obj in objects {
        let mut cells = vec![RawCell::Absent; table.header.len()];
        for (key, value) in obj.members {
            let Some(col) = table.header.iter().position(|h| *h == key) else {
                continue;
            };
            let shape = |msg: String| {
                EvidenceError::new(ErrorKind::JsonShape, msg)
                    .in_file(path)
                    .at_line(obj.line)
                    .with_field(key.clone())
            };
            match (value, cells.get_mut(col)) {
                (_, Some(slot)) if *slot != RawCell::Absent => {
                    sink.push(shape(format!("对象中字段“{key}”出现了不止一次")));
                }
                (JsonValue::Nested, slot) => {
                    sink.push(shape(format!(
                        "字段“{key}”的值是数组或对象：应为字符串、数字、true/false 或 null"
                    )));
                    if let Some(slot) = slot {
                        *slot = RawCell::Reported;
                    }
                }
                (JsonValue::Cell(cell), Some(slot)) => *slot = cell,
                (JsonValue::Cell(_), None) => {}
            }
        }
        table.rows.push(RawRow {
            line: obj.line,
            cells: Cells::Held(cells),
        });
    }
    table
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
    /// Array elements skipped because they are not objects.
    dropped: usize,
}

type PResult<T> = Result<T, String>;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.src.get(self.pos..)?.chars().next()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.bump();
        }
    }

    fn found(&self) -> String {
        match self.src.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => format!("却是“{c}”"),
            None => "却已到文件末尾".to_owned(),
        }
    }

    fn expect(&mut self, b: u8) -> PResult<()> {
        if self.peek() == Some(b) {
            self.bump();
            Ok(())
        } else {
            Err(format!(
                "JSON 语法错误：应为“{}”，{}",
                b as char,
                self.found()
            ))
        }
    }

    /// The whole file: an array of objects. Elements that are not objects
    /// are reported and skipped, so the other rows are still checked.
    fn document(&mut self, path: &Path, sink: &mut Sink) -> PResult<Vec<Object>> {
        self.skip_ws();
        if self.peek() != Some(b'[') {
            return Err(format!("JSON 文件顶层应为数组“[ … ]”，{}", self.found()));
        }
        self.bump();
        let mut objects = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.bump();
        } else {
            loop {
                self.skip_ws();
                self.element(objects.len() + 1, path, sink, &mut objects)?;
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.bump();
                    }
                    Some(b']') => {
                        self.bump();
                        break;
                    }
                    _ => return Err(format!("JSON 语法错误：应为“,”或“]”，{}", self.found())),
                }
            }
        }
        self.skip_ws();
        if self.pos < self.src.len() {
            return Err(format!("JSON 数组结束后还有多余内容，{}", self.found()));
        }
        Ok(objects)
    }

    fn element(
        &mut self,
        index: usize,
        path: &Path,
        sink: &mut Sink,
        objects: &mut Vec<Object>,
    ) -> PResult<()> {
        let line = self.line;
        if self.peek() == Some(b'{') {
            let members = self.object()?;
            objects.push(Object { line, members });
            return Ok(());
        }
        self.value()?;
        self.dropped += 1;
        let msg =
            format!("数组的第 {index} 个元素不是对象：每个元素应为一行数据 {{\"字段\": 值, …}}");
        sink.push(
            EvidenceError::new(ErrorKind::JsonShape, msg)
                .in_file(path)
                .at_line(line),
        );
        Ok(())
    }

    fn object(&mut self) -> PResult<Vec<(String, JsonValue)>> {
        self.expect(b'{')?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(members);
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(format!(
                    "JSON 语法错误：应为用双引号括起的字段名，{}",
                    self.found()
                ));
            }
            let key = self.string()?.trim().to_owned();
            self.skip_ws();
            self.expect(b':')?;
            self.skip_ws();
            members.push((key, self.value()?));
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.bump();
                }
                Some(b'}') => {
                    self.bump();
                    return Ok(members);
                }
                _ => return Err(format!("JSON 语法错误：应为“,”或“}}”，{}", self.found())),
            }
        }
    }

    fn value(&mut self) -> PResult<JsonValue> {
        let cell = match self.peek() {
            Some(b'"') => RawCell::text(&self.string()?).into_owned(),
            Some(b'-' | b'0'..=b'9') => RawCell::Number(self.number()?.into()),
            Some(b't') => self.literal("true", RawCell::Bool(true))?,
            Some(b'f') => self.literal("false", RawCell::Bool(false))?,
            Some(b'n') => self.literal("null", RawCell::Empty)?,
            Some(b'[' | b'{') => {
                self.skip_nested()?;
                return Ok(JsonValue::Nested);
            }
            _ => return Err(format!("JSON 语法错误：应为一个值，{}", self.found())),
        };
        Ok(JsonValue::Cell(cell))
    }

    fn literal(&mut self, word: &str, cell: RawCell<'static>) -> PResult<RawCell<'static>> {
        if self
            .src
            .get(self.pos..)
            .is_some_and(|s| s.starts_with(word))
        {
            self.pos += word.len();
            Ok(cell)
        } else {
            Err(format!("JSON 语法错误：应为 {word}，{}", self.found()))
        }
    }

    /// A number's exact text, checked against the JSON number grammar.
    fn number(&mut self) -> PResult<String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        self.digits()?;
        if self.peek() == Some(b'.') {
            self.bump();
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            self.digits()?;
        }
        let text = self.src.get(start..self.pos).unwrap_or_default();
        Ok(text.to_owned())
    }

    fn digits(&mut self) -> PResult<()> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.bump();
        }
        if self.pos == start {
            return Err(format!("JSON 语法错误：数字不完整，{}", self.found()));
        }
        Ok(())
    }

    fn string(&mut self) -> PResult<String> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            match self.bump() {
                Some('"') => return Ok(out),
                Some('\\') => out.push(self.escape()?),
                Some(c) => out.push(c),
                None => return Err("JSON 语法错误：字符串缺少结尾的双引号".to_owned()),
            }
        }
    }

    fn escape(&mut self) -> PResult<char> {
        Ok(match self.bump() {
            Some('"') => '"',
            Some('\\') => '\\',
            Some('/') => '/',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('u') => return self.unicode_escape(),
            _ => return Err("JSON 语法错误：无效的转义序列".to_owned()),
        })
    }

    /// `\uXXXX`, joining a UTF-16 surrogate pair when one follows.
    fn unicode_escape(&mut self) -> PResult<char> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) {
            if self.bump() != Some('\\') || self.bump() != Some('u') {
                return Err("JSON 语法错误：\\u 代理对不完整".to_owned());
            }
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err("JSON 语法错误：\\u 代理对不完整".to_owned());
            }
            let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            return char::from_u32(code).ok_or_else(|| "JSON 语法错误：无效的 \\u 转义".to_owned());
        }
        char::from_u32(hi).ok_or_else(|| "JSON 语法错误：无效的 \\u 转义".to_owned())
    }

    fn hex4(&mut self) -> PResult<u32> {
        let text = self.src.get(self.pos..self.pos + 4).unwrap_or_default();
        let ok = text.len() == 4 && text.bytes().all(|b| b.is_ascii_hexdigit());
        let code = u32::from_str_radix(text, 16).ok().filter(|_| ok);
        let code = code.ok_or_else(|| "JSON 语法错误：\\u 后应为 4 位十六进制数".to_owned())?;
        self.pos += 4;
        Ok(code)
    }

    /// Skip an array or object (not allowed as a cell value) so the rest
    /// of the row can still be read. Iterative: no recursion to overflow.
    fn skip_nested(&mut self) -> PResult<()> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Some(b'[' | b'{') => {
                    depth += 1;
                    self.bump();
                }
                Some(b']' | b'}') => {
                    depth = depth.saturating_sub(1);
                    self.bump();
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(_) => {
                    self.bump();
                }
                None => return Err("JSON 语法错误：数组或对象没有结束".to_owned()),
            }
        }
    }
}
