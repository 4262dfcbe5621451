//! JSON-RPC over stdio with `Content-Length` framing. lsp-server's own
//! stdio transport stops at the first malformed message and trusts the
//! length it is given; this one answers a malformed message with a parse
//! error and goes on, and refuses lengths above [`MAX_MESSAGE`].

use lsp_server::Message;
use std::io::{self, BufRead, Read, Write};

/// The largest message read (a rule file is at most a few MiB; its text
/// is sent JSON-escaped).
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;
/// The longest header line read.
const MAX_HEADER: u64 = 4096;

/// What one read gave.
pub enum Incoming {
    Message(Message),
    /// A frame that is not a JSON-RPC message: why.
    Malformed(String),
}

/// The next message, `None` at the end of input (or when the framing is
/// lost beyond repair: a length that cannot be read past).
pub fn read(input: &mut impl BufRead) -> Option<Incoming> {
    let mut length = None;
    let mut malformed = None;
    loop {
        let mut line = String::new();
        match input.by_ref().take(MAX_HEADER).read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                malformed = Some("报文头不是 UTF-8".to_string());
                continue;
            }
            Err(_) => return None,
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if length.is_some() || malformed.is_some() {
                break;
            }
            continue;
        }
        match line.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("Content-Length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => malformed = Some(format!("Content-Length 无效：{}", value.trim())),
                }
            }
            Some(_) => {}
            None => malformed = Some(format!("报文头格式错误：{line}")),
        }
    }
    let Some(length) = length else {
        return Some(Incoming::Malformed(
            malformed.unwrap_or_else(|| "缺少 Content-Length".into()),
        ));
    };
    if length > MAX_MESSAGE {
        // The body cannot be skipped safely: stop reading.
        return None;
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    if let Some(why) = malformed {
        return Some(Incoming::Malformed(why));
    }
    Some(match serde_json::from_slice::<Message>(&body) {
        Ok(m) => Incoming::Message(m),
        Err(e) => Incoming::Malformed(format!("不是 JSON-RPC 消息：{e}")),
    })
}

/// Write one message; an error means the editor has gone.
pub fn write(out: &mut impl Write, message: &Message) -> io::Result<()> {
    message.write(out)
}

/// The JSON-RPC parse error (-32700) for a malformed message: its id is
/// unknown, so it is null.
pub fn write_parse_error(out: &mut impl Write, why: &str) -> io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": -32700, "message": format!("无法解析消息：{why}") },
    })
    .to_string();
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_messages_are_skipped_not_fatal() {
        let good = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let text = format!(
            "{}{}Content-Length: x\r\n\r\n{}{}",
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0"}"#),
            frame(r#"[1,2]"#),
            frame(good)
        );
        let mut input = io::Cursor::new(text.into_bytes());
        assert!(matches!(read(&mut input), Some(Incoming::Malformed(_))));
        assert!(matches!(read(&mut input), Some(Incoming::Malformed(_))));
        assert!(matches!(read(&mut input), Some(Incoming::Malformed(_))));
        assert!(matches!(read(&mut input), Some(Incoming::Malformed(_))));
        assert!(matches!(read(&mut input), Some(Incoming::Message(_))));
        assert!(read(&mut input).is_none());
    }

    #[test]
    fn a_huge_length_ends_the_input_without_allocating() {
        let text = "Content-Length: 99999999999999\r\n\r\n{}";
        let mut input = io::Cursor::new(text.as_bytes());
        assert!(read(&mut input).is_none());
    }

    #[test]
    fn a_short_body_ends_the_input() {
        let text = "Content-Length: 50\r\n\r\n{}";
        let mut input = io::Cursor::new(text.as_bytes());
        assert!(read(&mut input).is_none());
    }
}
