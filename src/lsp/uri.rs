//! `file:` URIs ↔ paths. Editors percent-encode every non-ASCII byte of a
//! path (`规则` → `%E8%A7%84%E5%88%99`), so both directions go through
//! UTF-8 bytes.

use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The file a `file:` URI names; `None` for other schemes (`untitled:`)
/// and for URIs whose path is not UTF-8.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file://host/path`: only the local host (empty or `localhost`).
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if rest.get(..i) == Some("localhost") => rest.get(i..)?,
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = decode(path)?;
    Some(PathBuf::from(windows_drive(&decoded)))
}

/// `/C:/rules` → `C:/rules` on Windows; unchanged elsewhere.
fn windows_drive(path: &str) -> &str {
    if cfg!(windows) {
        let b = path.as_bytes();
        if b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
            return path.get(1..).unwrap_or(path);
        }
    }
    path
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file:` URI of a path (made absolute against the current folder).
pub fn from_path(path: &Path) -> Option<Uri> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let text = absolute.to_str()?.replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap()
    }

    #[test]
    fn chinese_paths_round_trip() {
        let path = Path::new("/tmp/规则 库/全国.zb");
        let u = from_path(path);
        assert_eq!(
            u.as_ref().map(|u| u.as_str()),
            Some("file:///tmp/%E8%A7%84%E5%88%99%20%E5%BA%93/%E5%85%A8%E5%9B%BD.zb")
        );
        assert_eq!(u.and_then(|u| to_path(&u)), Some(path.to_path_buf()));
    }

    #[test]
    fn other_schemes_and_bad_escapes_have_no_path() {
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://server/share/a.zb")), None);
        assert_eq!(to_path(&uri("file:///a/%FF.zb")), None);
        assert_eq!(
            to_path(&uri("file://localhost/a/b.zb")),
            Some(PathBuf::from("/a/b.zb"))
        );
    }
}
