//! Go to definition and find references, from the index. From a variant's
//! `修改 指标 X` or `删除 X`, the definition is the indicator in the base.

use super::document::Snapshot;
use crate::source::FileId;
use lsp_types::{Location, Uri};

pub fn definition(snap: &Snapshot, doc: &Uri, file: FileId, offset: usize) -> Option<Location> {
    let at = snap.index.at(file, offset)?;
    let decl = snap.index.declaration(&at.target)?;
    snap.location(decl.span, doc)
}

pub fn references(
    snap: &Snapshot,
    doc: &Uri,
    file: FileId,
    offset: usize,
    with_declaration: bool,
) -> Vec<Location> {
    let Some(at) = snap.index.at(file, offset) else {
        return Vec::new();
    };
    snap.index
        .references(&at.target)
        .filter(|o| with_declaration || !o.decl)
        .filter_map(|o| snap.location(o.span, doc))
        .collect()
}
