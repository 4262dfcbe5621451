//! `zhibiao lsp`: the language server (see `zhibiao::lsp` and docs/editor.md).

use zhibiao::driver;

/// Serve until the editor says `exit`; an error (no `shutdown` before
/// the end) is printed to stderr, which editors show in their log.
pub fn lsp(opts: &driver::Options) -> Result<(), ()> {
    zhibiao::lsp::run(opts.clone()).map_err(|e| say!("错误: {e}"))
}
