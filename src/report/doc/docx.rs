//! The appendix as a Word document (`.docx`), for a committee whose
//! publishing workflow is Word: the same blocks as the Markdown and HTML,
//! on A4 with the indicator table as a real table, deleted rows struck
//! through. docx-rs escapes the text for XML; characters XML cannot hold
//! (control characters) are shown by their code point first.

use super::{blocks, Appendix, Block, Change};
use crate::diagnostic::shown::is_invisible;
use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, Shading, Table, TableCell, TableRow,
    WidthType,
};

/// A4 in twentieths of a point, and its text width with 2 cm side margins.
const A4_WIDTH: u32 = 11_906;
const A4_HEIGHT: u32 = 16_838;
const SIDE_MARGIN: i32 = 1_134;
const TEXT_WIDTH: usize = 11_906 - 2 * 1_134;

/// The appendix as the bytes of a `.docx` file.
pub fn docx(a: &Appendix) -> Result<Vec<u8>, String> {
    let mut doc = Docx::new()
        .page_size(A4_WIDTH, A4_HEIGHT)
        .page_margin(PageMargin {
            top: 1_417,
            bottom: 1_134,
            left: SIDE_MARGIN,
            right: SIDE_MARGIN,
            header: 851,
            footer: 992,
            gutter: 0,
        })
        .default_fonts(
            RunFonts::new()
                .east_asia("SimSun")
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman"),
        )
        .default_size(21);
    let mut first_para = true;
    for b in blocks(a) {
        doc = match b {
            Block::Heading(level, text) => doc.add_paragraph(heading(level, &text)),
            Block::Para(text) => {
                let mut p = Paragraph::new().add_run(Run::new().add_text(clean(&text)));
                if first_para {
                    p = p.align(AlignmentType::Center);
                    first_para = false;
                }
                doc.add_paragraph(p)
            }
            Block::List(items) => items.iter().enumerate().fold(doc, |d, (i, item)| {
                d.add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!(
                    "{}. {}",
                    i + 1,
                    clean(item)
                ))))
            }),
            Block::Table(head, rows) => doc.add_table(table(&head, &rows)),
        };
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut bytes)
        .map_err(|e| format!("无法生成 Word 文档：{e}"))?;
    Ok(bytes.into_inner())
}

fn heading(level: u8, text: &str) -> Paragraph {
    let size = match level {
        1 => 32,
        2 => 28,
        _ => 24,
    };
    let p = Paragraph::new().add_run(
        Run::new()
            .add_text(clean(text))
            .bold()
            .size(size)
            .fonts(RunFonts::new().east_asia("SimHei")),
    );
    if level == 1 {
        p.align(AlignmentType::Center)
    } else {
        p
    }
}

/// Column widths: the code and the points narrow, the text wide.
fn widths(columns: usize) -> Vec<usize> {
    match columns {
        4 => vec![1_500, 2_100, 700, TEXT_WIDTH - 4_300],
        3 => vec![1_600, 2_600, TEXT_WIDTH - 4_200],
        2 => vec![2_000, TEXT_WIDTH - 2_000],
        n => vec![TEXT_WIDTH / n.max(1); n],
    }
}

fn table(head: &[String], rows: &[super::Row]) -> Table {
    let widths = widths(head.len());
    let cell = |text: &str, width: usize, header: bool, strike: bool| {
        let mut run = Run::new().add_text(clean(text)).size(20);
        if header {
            run = run.bold();
        }
        if strike {
            run = run.strike();
        }
        let c = TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(run));
        if header {
            c.shading(Shading::new().fill("EEEEEE"))
        } else {
            c
        }
    };
    let mut out = vec![TableRow::new(
        head.iter()
            .zip(&widths)
            .map(|(h, w)| cell(h, *w, true, false))
            .collect(),
    )];
    for r in rows {
        let strike = r.change == Change::Deleted;
        // A row is kept on one page, as in the printed HTML.
        out.push(
            TableRow::new(
                r.cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| cell(c, *w, false, strike))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(out)
        .set_grid(widths.clone())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// Text XML can hold: control and other invisible characters are shown
/// by their code point (`<U+001B>`), as diagnostics show them.
fn clean(s: &str) -> String {
    if !s.chars().any(is_invisible) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if is_invisible(c) {
                format!("<U+{:04X}>", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}
