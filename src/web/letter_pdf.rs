//! The cover letter as a PDF: A4 portrait in the layout of official
//! correspondence (Resmî Yazışma Yönetmeliği): heading centred, Sayı and
//! Konu on the left with the date on the right, the muhatap centred, the
//! body, the list of staff, the signature block on the right, "Ek:" at the
//! bottom, page numbers when it runs over a page. DejaVu Serif is embedded
//! from `assets/fonts` (its licence beside it), so ç ğ ı İ ö ş ü print and
//! extract as typed whatever fonts the reader has. The same [`LetterDoc`]
//! renders the HTML page (templates/letters/show.html).

use std::sync::OnceLock;

use printpdf::{
    FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, TextItem,
};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif-Bold.ttf");

/// One staff member on the letter.
#[derive(Debug, Clone)]
pub struct DocRow {
    pub no: usize,
    pub request: i32,
    pub name: String,
    /// Masked, as in every list.
    pub tckn: String,
    pub operator: String,
}

/// Everything the letter prints, in print order.
#[derive(Debug, Clone)]
pub struct LetterDoc {
    pub heading: Vec<String>,
    pub number: String,
    pub date: String,
    pub subject: String,
    pub addressee: &'static str,
    pub body: String,
    pub rows: Vec<DocRow>,
    /// What was sent for each staff member (the table's last column).
    pub documents: String,
    pub closing: &'static str,
    pub signer_name: String,
    pub signer_title: String,
    pub attachments: Vec<String>,
}

// Millimetres; `y` is measured from the top of the page.
const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const LEFT: f32 = 25.0;
const RIGHT: f32 = 190.0;
const TOP: f32 = 22.0;
const BOTTOM: f32 = 275.0;
const TEXT: f32 = 12.0;
const SMALL: f32 = 9.5;
const LINE: f32 = 6.0;
const SMALL_LINE: f32 = 4.3;
/// The table's columns: header and width.
const COLUMNS: [(&str, f32); 6] = [
    ("Sıra", 11.0),
    ("Talep No", 17.0),
    ("Adı Soyadı", 45.0),
    ("T.C. Kimlik No", 29.0),
    ("Operatör", 23.0),
    ("Evrak", 40.0),
];

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

fn fonts() -> anyhow::Result<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut warnings = Vec::new();
            Some(Fonts {
                regular: ParsedFont::from_bytes(REGULAR, 0, &mut warnings)?,
                bold: ParsedFont::from_bytes(BOLD, 0, &mut warnings)?,
            })
        })
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the embedded DejaVu Serif could not be read"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

/// Writes text and lines down the pages, starting a page when one is full.
struct Pen<'a> {
    fonts: &'a Fonts,
    ids: [FontId; 2],
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The baseline of the next line, from the top of the page.
    y: f32,
}

impl<'a> Pen<'a> {
    fn new(fonts: &'a Fonts, ids: [FontId; 2]) -> Self {
        Pen {
            fonts,
            ids,
            pages: Vec::new(),
            ops: vec![Op::SetOutlineThickness { pt: Pt(0.5) }],
            y: TOP,
        }
    }

    fn font(&self, w: Weight) -> (&ParsedFont, &FontId) {
        match w {
            Weight::Regular => (&self.fonts.regular, &self.ids[0]),
            Weight::Bold => (&self.fonts.bold, &self.ids[1]),
        }
    }

    /// The width of `text` in millimetres.
    fn width(&self, text: &str, w: Weight, size: f32) -> f32 {
        let (font, _) = self.font(w);
        let units: u32 = text
            .chars()
            .filter_map(|c| font.lookup_glyph_index(u32::from(c)))
            .filter_map(|g| font.get_glyph_width(g))
            .map(u32::from)
            .sum();
        units as f32 / f32::from(font.units_per_em.max(1)) * size * 25.4 / 72.0
    }

    /// `text` with its left end at `x` on the baseline `y`.
    fn put(&mut self, x: f32, y: f32, text: &str, w: Weight, size: f32) {
        let font = PdfFontHandle::External(self.font(w).1.clone());
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font,
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(PAGE_H - y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    fn rule(&mut self, (x1, y1): (f32, f32), (x2, y2): (f32, f32)) {
        let at = |x, y| LinePoint {
            p: Point::new(Mm(x), Mm(PAGE_H - y)),
            bezier: false,
        };
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![at(x1, y1), at(x2, y2)],
                is_closed: false,
            },
        });
    }

    /// Starts a new page unless `height` more fits on this one.
    fn room(&mut self, height: f32) -> bool {
        if self.y + height <= BOTTOM {
            return false;
        }
        self.pages.push(std::mem::take(&mut self.ops));
        self.ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        self.y = TOP;
        true
    }

    /// `text` broken into lines no wider than `width`; a word longer than a
    /// line is broken between characters.
    fn wrap(&self, text: &str, width: f32, w: Weight, size: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let joined = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&joined, w, size) <= width {
                line = joined;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                if !line.is_empty() && self.width(&format!("{line}{c}"), w, size) > width {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Lines of `text` between `left` and `RIGHT`, the first indented.
    fn paragraph(&mut self, text: &str, left: f32, indent: f32) {
        let first = self.wrap(text, RIGHT - left - indent, Weight::Regular, TEXT);
        let first_line = first.first().cloned().unwrap_or_default();
        let rest_text = text
            .split_whitespace()
            .skip(first_line.split_whitespace().count())
            .collect::<Vec<_>>()
            .join(" ");
        self.room(LINE);
        self.put(left + indent, self.y, &first_line, Weight::Regular, TEXT);
        self.y += LINE;
        if rest_text.is_empty() {
            return;
        }
        for line in self.wrap(&rest_text, RIGHT - left, Weight::Regular, TEXT) {
            self.room(LINE);
            self.put(left, self.y, &line, Weight::Regular, TEXT);
            self.y += LINE;
        }
    }

    fn centred(&mut self, text: &str, w: Weight, (from, to): (f32, f32)) {
        for line in self.wrap(text, to - from, w, TEXT) {
            self.room(LINE);
            let x = from + (to - from - self.width(&line, w, TEXT)) / 2.0;
            self.put(x, self.y, &line, w, TEXT);
            self.y += LINE;
        }
    }

    /// The pages, each with "Sayfa n / N" at its foot when there are several.
    fn finish(mut self) -> Vec<Vec<Op>> {
        self.pages.push(std::mem::take(&mut self.ops));
        let total = self.pages.len();
        let mut pages = std::mem::take(&mut self.pages);
        if total > 1 {
            for (i, ops) in pages.iter_mut().enumerate() {
                let text = format!("Sayfa {} / {total}", i + 1);
                let x = (PAGE_W - self.width(&text, Weight::Regular, SMALL)) / 2.0;
                std::mem::swap(&mut self.ops, ops);
                self.put(x, PAGE_H - 12.0, &text, Weight::Regular, SMALL);
                std::mem::swap(&mut self.ops, ops);
            }
        }
        pages
    }
}

/// Heading, Sayı/Konu with the date, the muhatap.
fn head(pen: &mut Pen<'_>, doc: &LetterDoc) {
    for line in &doc.heading {
        pen.centred(line, Weight::Bold, (LEFT, RIGHT));
    }
    pen.y += 2.0 * LINE;
    let label_w =
        pen.width("Konu", Weight::Regular, TEXT)
            .max(pen.width("Sayı", Weight::Regular, TEXT));
    let value_x = LEFT + label_w + 2.0 + pen.width(": ", Weight::Regular, TEXT);
    let date_w = pen.width(&doc.date, Weight::Regular, TEXT);
    pen.put(LEFT, pen.y, "Sayı", Weight::Regular, TEXT);
    pen.put(LEFT + label_w + 2.0, pen.y, ":", Weight::Regular, TEXT);
    let number = pen.wrap(
        &doc.number,
        RIGHT - date_w - 8.0 - value_x,
        Weight::Regular,
        TEXT,
    );
    pen.put(RIGHT - date_w, pen.y, &doc.date, Weight::Regular, TEXT);
    for line in number {
        pen.put(value_x, pen.y, &line, Weight::Regular, TEXT);
        pen.y += LINE;
    }
    pen.put(LEFT, pen.y, "Konu", Weight::Regular, TEXT);
    pen.put(LEFT + label_w + 2.0, pen.y, ":", Weight::Regular, TEXT);
    for line in pen.wrap(&doc.subject, RIGHT - 40.0 - value_x, Weight::Regular, TEXT) {
        pen.put(value_x, pen.y, &line, Weight::Regular, TEXT);
        pen.y += LINE;
    }
    pen.y += 2.0 * LINE;
    pen.centred(doc.addressee, Weight::Bold, (LEFT, RIGHT));
    pen.y += LINE;
}

/// A row's cells wrapped to their columns.
fn cells_of(pen: &Pen<'_>, cells: &[String], w: Weight) -> Vec<Vec<String>> {
    cells
        .iter()
        .zip(COLUMNS)
        .map(|(c, (_, width))| pen.wrap(c, width - 2.0, w, SMALL))
        .collect()
}

fn row_height(wrapped: &[Vec<String>]) -> f32 {
    wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32 * SMALL_LINE + 2.0
}

/// One framed row of the table at the pen.
fn draw_row(pen: &mut Pen<'_>, wrapped: &[Vec<String>], w: Weight) {
    let height = row_height(wrapped);
    let top = pen.y - SMALL_LINE;
    let mut x = LEFT;
    for (cell, (_, width)) in wrapped.iter().zip(COLUMNS) {
        for (i, line) in cell.iter().enumerate() {
            let baseline = top + 1.0 + SMALL_LINE * i as f32 + 3.2;
            pen.put(x + 1.0, baseline, line, w, SMALL);
        }
        pen.rule((x, top), (x, top + height));
        x += width;
    }
    pen.rule((RIGHT, top), (RIGHT, top + height));
    pen.rule((LEFT, top), (RIGHT, top));
    pen.rule((LEFT, top + height), (RIGHT, top + height));
    pen.y += height;
}

/// The staff list; on a new page the header comes again.
fn table(pen: &mut Pen<'_>, doc: &LetterDoc) {
    let header: Vec<String> = COLUMNS.iter().map(|(h, _)| (*h).to_owned()).collect();
    let header = cells_of(pen, &header, Weight::Bold);
    let rows: Vec<Vec<Vec<String>>> = doc
        .rows
        .iter()
        .map(|r| {
            let cells = [
                r.no.to_string(),
                format!("#{}", r.request),
                r.name.clone(),
                r.tckn.clone(),
                r.operator.clone(),
                doc.documents.clone(),
            ];
            cells_of(pen, &cells, Weight::Regular)
        })
        .collect();
    let first = rows.first().map_or(0.0, |r| row_height(r));
    pen.room(row_height(&header) + first);
    draw_row(pen, &header, Weight::Bold);
    for row in &rows {
        if pen.room(row_height(row)) {
            draw_row(pen, &header, Weight::Bold);
        }
        draw_row(pen, row, Weight::Regular);
    }
    pen.y += LINE;
}

/// The closing sentence, the signature block on the right, "Ek:".
fn foot(pen: &mut Pen<'_>, doc: &LetterDoc) {
    pen.paragraph(doc.closing, LEFT, 12.5);
    pen.room(LINE * 6.0);
    pen.y += LINE * 2.5;
    let block = (RIGHT - 70.0, RIGHT);
    if doc.signer_name.is_empty() {
        pen.y += LINE;
    } else {
        pen.centred(&doc.signer_name, Weight::Bold, block);
    }
    pen.centred(&doc.signer_title, Weight::Regular, block);
    pen.y += LINE * 2.0;
    pen.room(LINE * 2.0);
    pen.put(LEFT, pen.y, "Ek:", Weight::Regular, TEXT);
    pen.y += LINE;
    for (i, a) in doc.attachments.iter().enumerate() {
        pen.paragraph(&format!("{}- {a}", i + 1), LEFT, 0.0);
    }
}

/// The letter as PDF bytes.
pub fn render(doc: &LetterDoc) -> anyhow::Result<Vec<u8>> {
    let fonts = fonts()?;
    let mut pdf = PdfDocument::new(&format!("Üst yazı {}", doc.number));
    pdf.metadata.info.subject = doc.subject.clone();
    pdf.metadata.info.creator = "Mobil İmza Talep Portalı".into();
    let ids = [pdf.add_font(&fonts.regular), pdf.add_font(&fonts.bold)];
    let mut pen = Pen::new(fonts, ids);
    head(&mut pen, doc);
    pen.paragraph(&doc.body, LEFT, 12.5);
    pen.y += LINE / 2.0;
    table(&mut pen, doc);
    foot(&mut pen, doc);
    let pages = pen
        .finish()
        .into_iter()
        .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
        .collect();
    let mut warnings = Vec::new();
    Ok(pdf
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(rows: usize) -> LetterDoc {
        LetterDoc {
            heading: vec!["T.C.".into(), "IĞDIR VALİLİĞİ".into()],
            number: "E-12345678-010.06-7".into(),
            date: "23.11.2026".into(),
            subject: "Mobil İmza operatör evrakı".into(),
            addressee: "e-İmza Şefliğine",
            body: "Gövde metni çok uzun olabilir ve satırlara bölünür. ".repeat(5),
            rows: (1..=rows)
                .map(|i| DocRow {
                    no: i,
                    request: i as i32,
                    name: format!("Şükrü Çağlayan {i}"),
                    tckn: "100******46".into(),
                    operator: "Turkcell".into(),
                })
                .collect(),
            documents: "İmzalı operatör başvuru evrakı".into(),
            closing: "Bilgilerinizi ve gereğini rica ederim.",
            signer_name: "Ayşe Işık".into(),
            signer_title: "Vali Yardımcısı".into(),
            attachments: vec!["İmzalı operatör başvuru evrakı (100 kişi)".into()],
        }
    }

    #[test]
    fn a_long_letter_runs_over_pages_with_the_header_again_and_page_numbers() {
        let bytes = render(&doc(100)).expect("render");
        let pdf = lopdf::Document::load_mem(&bytes).expect("opens");
        let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let last = *pages.last().expect("a page");
        let text = pdf.extract_text(&[last]).expect("text");
        assert!(
            text.contains(&format!("Sayfa {last} / {}", pages.len())),
            "{text}"
        );
        assert!(text.contains("Ayşe Işık") && text.contains("Ek:"), "{text}");
        let second = pdf.extract_text(&[pages[1]]).expect("text");
        assert!(second.contains("Adı Soyadı"), "the header again: {second}");
        assert!(second.contains("Sayfa 2 / "), "{second}");
        let all = pdf.extract_text(&pages).expect("text");
        assert!(all.contains("Şükrü Çağlayan 100"));
        assert!(all.contains("IĞDIR VALİLİĞİ"));
    }

    #[test]
    fn words_wrap_within_their_width_and_long_words_break() {
        let fonts = fonts().expect("fonts");
        let pen = Pen::new(fonts, [FontId::new(), FontId::new()]);
        let lines = pen.wrap("Mobil İmza operatör evrakı", 30.0, Weight::Regular, TEXT);
        assert!(lines.len() > 1);
        assert!(
            lines
                .iter()
                .all(|l| pen.width(l, Weight::Regular, TEXT) <= 30.0)
        );
        let long = pen.wrap(&"ş".repeat(80), 20.0, Weight::Regular, TEXT);
        assert!(long.len() > 3 && long.concat() == "ş".repeat(80));
        assert_eq!(
            pen.wrap("", 20.0, Weight::Regular, TEXT),
            vec![String::new()]
        );
    }
}
