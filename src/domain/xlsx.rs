//! Bounded reading of XLSX workbooks: the first visible worksheet, row by
//! row, as typed cells.
//!
//! An XLSX file is a zip of XML parts, and a few kilobytes of it can inflate
//! to gigabytes: a cell at XFD1048576 makes a grid reader allocate the whole
//! sheet, a shared string of 64 MiB compresses to 64 KB and multiplies with
//! every cell that uses it, a zip entry can declare one size and hold
//! another. So nothing here trusts the file: entries are inflated only up to
//! their declared size, which is checked first; the XML parser is handed one
//! token (a tag, a run of text) of bounded length at a time; the sheet is
//! streamed, never held as a grid; and strings, cells, rows, columns and the
//! text handed out are counted against [`Limits`] on the way. Whatever is
//! over a limit ends the read with an [`XlsxError`] whose message can be
//! shown to the user as it is.
//!
//! Pure: reads only the bytes it is given.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use zip::ZipArchive;
use zip::read::ZipFile;

const MIB: usize = 1024 * 1024;

/// The largest sheet Excel makes; cell addresses beyond it are not cells.
const EXCEL_ROWS: u32 = 1_048_576;
const EXCEL_COLUMNS: u32 = 16_384;

/// How much of a workbook is read. Every size the file controls is here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the zip archive.
    pub max_entries: usize,
    /// Uncompressed size of all entries together, as their headers declare.
    /// Entries are never inflated past their declared size, so this also
    /// bounds what is actually inflated.
    pub max_total_bytes: u64,
    /// Uncompressed size of one XML part that is read (the workbook, its
    /// relationships, the shared strings, the sheet).
    pub max_part_bytes: u64,
    /// Longest XML token: a tag with its attributes, a run of text, a
    /// comment. The XML parser holds one token at a time.
    pub max_token_bytes: usize,
    /// Entries of the shared-string table.
    pub max_shared_strings: usize,
    /// Bytes of text of the shared-string table.
    pub max_shared_text_bytes: usize,
    /// Rows holding at least one value.
    pub max_rows: usize,
    /// Values only in the first `max_columns` columns (A to AX for 50).
    pub max_columns: u32,
    /// Characters of one cell.
    pub max_cell_chars: usize,
    /// Bytes of text of all cells handed out; a shared string counts each
    /// time a cell uses it.
    pub max_text_bytes: usize,
}

impl Limits {
    /// For lists uploaded through the portal (at most 8 MB compressed): the
    /// XML of 20 000 rows of a dozen text columns takes a third to a half of
    /// a part; a zip bomb does not fit. Peak memory stays in the tens of MB.
    pub const UPLOAD: Limits = Limits {
        max_entries: 10_000,
        max_total_bytes: 96 * MIB as u64,
        max_part_bytes: 32 * MIB as u64,
        max_token_bytes: MIB,
        max_shared_strings: 1_000_000,
        max_shared_text_bytes: 16 * MIB,
        max_rows: 20_000,
        max_columns: 50,
        max_cell_chars: 2_000,
        max_text_bytes: 32 * MIB,
    };
}

/// One cell as stored. Dates are numbers (days since 1900) as in the file;
/// `t="d"` dates and formula strings are text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// An error value such as "#N/A", as written.
    Error(String),
}

/// Why a workbook was not read (to the end). Shown to the user as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XlsxError {
    #[error("Excel (XLSX) dosyası açılamadı ({0}).")]
    Unreadable(String),
    #[error(
        "Excel dosyası açıldığında çok büyük; işlenebilecek boyutu aşıyor. Listeyi yeni, boş bir Excel dosyasına kopyalayıp yeniden deneyin."
    )]
    TooLarge,
    #[error(
        "Excel dosyasının içinde başka bir sıkıştırılmış dosya var; Excel (XLSX) dosyası olarak okunamadı."
    )]
    Nested,
    #[error("Dosyada çalışma sayfası yok.")]
    NoWorksheet,
    #[error("Dosya en fazla {} satır içerebilir.", thousands(*.0))]
    TooManyRows(usize),
    #[error("Dosya en fazla {max} sütun içerebilir; {cell} hücresi bu sınırın dışında.")]
    TooManyColumns { max: u32, cell: String },
    #[error("{cell} hücresi çok uzun: bir hücre en fazla {} karakter içerebilir.", thousands(*.max))]
    CellTooLong { max: usize, cell: String },
}

fn unreadable(detail: impl Into<String>) -> XlsxError {
    XlsxError::Unreadable(detail.into())
}

/// 20000 → "20.000", as numbers are written in Turkish.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Calls `each_row` with the sheet row number (1-based, as the user sees it)
/// and the cells of every row of the first visible worksheet that holds a
/// value, in order. Cells are indexed by column from A; a row ends at its
/// last value. An error from `each_row` ends the read and is returned.
pub fn read_first_sheet<E: From<XlsxError>>(
    bytes: &[u8],
    limits: &Limits,
    mut each_row: impl FnMut(usize, &[Cell]) -> Result<(), E>,
) -> Result<(), E> {
    let mut package = Package::open(bytes, limits)?;
    let rels = package.relationships()?;
    let sheet = package.first_sheet(&rels)?;
    let strings = match rels.iter().find(|r| r.kind == RelKind::SharedStrings) {
        Some(rel) => package.shared_strings(&part_path(&rel.target))?,
        None => package.shared_strings("xl/sharedStrings.xml")?,
    };
    package.stream_rows(&sheet, &strings, &mut each_row)
}

// ---------------------------------------------------------------------------
// The zip archive

type Xml<'z, 'b> = Reader<BufReader<Inflated<ZipFile<'z, Cursor<&'b [u8]>>>>>;

struct Package<'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
    /// Entry index by name, lower-cased with `/` separators: writers differ
    /// in case and some use `\`.
    index: HashMap<String, usize>,
    limits: Limits,
}

impl<'b> Package<'b> {
    /// Opens the archive and checks the declared sizes of all its entries.
    fn open(bytes: &'b [u8], limits: &Limits) -> Result<Self, XlsxError> {
        check_entry_claims(bytes, limits.max_entries)?;
        let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
        if zip.len() > limits.max_entries {
            return Err(XlsxError::TooLarge);
        }
        let mut index = HashMap::with_capacity(zip.len());
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(zip_error)?;
            total = total.saturating_add(entry.size());
            if total > limits.max_total_bytes {
                return Err(XlsxError::TooLarge);
            }
            index.insert(entry.name().replace('\\', "/").to_ascii_lowercase(), i);
        }
        Ok(Self {
            zip,
            index,
            limits: *limits,
        })
    }

    /// An XML part ready to parse, inflated at most to its declared size.
    fn part(&mut self, path: &str) -> Result<Option<Xml<'_, 'b>>, XlsxError> {
        let Some(&i) = self.index.get(&path.to_ascii_lowercase()) else {
            return Ok(None);
        };
        let file = self.zip.by_index(i).map_err(zip_error)?;
        if file.size() > self.limits.max_part_bytes {
            return Err(XlsxError::TooLarge);
        }
        let declared = file.size();
        let mut input = BufReader::new(Inflated::new(file, declared, self.limits.max_token_bytes));
        if input
            .fill_buf()
            .map_err(|e| io_error(&e))?
            .starts_with(b"PK\x03\x04")
        {
            return Err(XlsxError::Nested);
        }
        let mut xml = Reader::from_reader(input);
        let config = xml.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = false;
        config.trim_text(false);
        Ok(Some(xml))
    }

    fn required_part(&mut self, path: &str) -> Result<Xml<'_, 'b>, XlsxError> {
        self.part(path)?
            .ok_or_else(|| unreadable(format!("{path} bulunamadı")))
    }

    /// The workbook's worksheet and shared-string relationships.
    fn relationships(&mut self) -> Result<Vec<Rel>, XlsxError> {
        let max = self.limits.max_entries;
        let mut xml = self.required_part("xl/_rels/workbook.xml.rels")?;
        let mut rels = Vec::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) if e.local_name().as_ref() == b"Relationship" => {
                    let decoder = xml.decoder();
                    let kind = attr(&e, decoder, |k| k == b"Type")?.unwrap_or_default();
                    let kind = if kind.ends_with("/worksheet") {
                        RelKind::Worksheet
                    } else if kind.ends_with("/sharedStrings") {
                        RelKind::SharedStrings
                    } else {
                        continue;
                    };
                    if rels.len() == max {
                        return Err(XlsxError::TooLarge);
                    }
                    rels.push(Rel {
                        id: attr(&e, decoder, |k| k == b"Id")?.unwrap_or_default(),
                        kind,
                        target: attr(&e, decoder, |k| k == b"Target")?.unwrap_or_default(),
                    });
                }
                Event::Eof => return Ok(rels),
                _ => {}
            }
        }
    }

    /// The path of the first visible worksheet, else of the first worksheet:
    /// a leftover hidden sheet or a chart placed first should not hide the
    /// list the user is looking at.
    fn first_sheet(&mut self, rels: &[Rel]) -> Result<String, XlsxError> {
        let mut xml = self.required_part("xl/workbook.xml")?;
        let mut hidden = None;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) if e.local_name().as_ref() == b"sheet" => {
                    let decoder = xml.decoder();
                    // `r:id`, whatever the prefix; not `sheetId`.
                    let id = attr(&e, decoder, |k| k.ends_with(b":id"))?;
                    let state = attr(&e, decoder, |k| k == b"state")?;
                    let Some(rel) = rels
                        .iter()
                        .find(|r| r.kind == RelKind::Worksheet && Some(&r.id) == id.as_ref())
                    else {
                        continue;
                    };
                    let path = part_path(&rel.target);
                    if state.is_none_or(|s| s == "visible") {
                        return Ok(path);
                    }
                    hidden.get_or_insert(path);
                }
                Event::Eof => return hidden.ok_or(XlsxError::NoWorksheet),
                _ => {}
            }
        }
    }

    fn shared_strings(&mut self, path: &str) -> Result<SharedStrings, XlsxError> {
        let limits = self.limits;
        let mut table = SharedStrings::default();
        let Some(mut xml) = self.part(path)? else {
            return Ok(table);
        };
        let (mut buf, mut scratch) = (Vec::new(), Vec::new());
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) if e.local_name().as_ref() == b"si" => {
                    if table.ends.len() == limits.max_shared_strings {
                        return Err(XlsxError::TooLarge);
                    }
                    let mut s = String::new();
                    let room = limits.max_shared_text_bytes - table.text.len();
                    if !read_string(&mut xml, &mut scratch, b"si", &mut s, room)? {
                        return Err(XlsxError::TooLarge);
                    }
                    table.text.push_str(&unescape_ooxml(&s));
                    if table.text.len() > limits.max_shared_text_bytes {
                        return Err(XlsxError::TooLarge);
                    }
                    table.ends.push(table.text.len());
                }
                Event::Eof => return Ok(table),
                _ => {}
            }
        }
    }

    /// Streams the sheet's rows to `each_row`, one at a time. The sheet's
    /// `<dimension>` is neither trusted nor needed: nothing is allocated by
    /// it, and refusing by it would refuse sheets whose formatting (not
    /// values) reaches far; the limits apply to the cells that hold values.
    fn stream_rows<E: From<XlsxError>>(
        &mut self,
        path: &str,
        strings: &SharedStrings,
        each_row: &mut impl FnMut(usize, &[Cell]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut rows = Rows::new(self.limits, strings);
        let mut xml = self.required_part(path)?;
        let (mut buf, mut scratch) = (Vec::new(), Vec::new());
        let mut in_data = false;
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"sheetData" => in_data = true,
                    b"row" if in_data => rows.start_row(&e)?,
                    b"c" if rows.in_row => rows.read_cell(&mut xml, &mut scratch, &e)?,
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"sheetData" => return Ok(()),
                    b"row" if rows.in_row => {
                        if let Some(number) = rows.end_row()? {
                            each_row(number, &rows.cells)?;
                        }
                    }
                    _ => {}
                },
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }
}

/// The zip reader reserves room for as many entries as a ZIP64 end record
/// claims, up to the archive's length in entries: for 8 MB, gigabytes. So a
/// ZIP64 archive (an end record preceded by a ZIP64 locator) whose ZIP64
/// records claim more entries than allowed is refused before it is opened.
/// Plain zips claim at most 65 535 entries, which is harmless.
fn check_entry_claims(bytes: &[u8], max_entries: usize) -> Result<(), XlsxError> {
    let at = |sig: &'static [u8; 4]| {
        bytes
            .windows(4)
            .enumerate()
            .filter(move |(_, w)| w == sig)
            .map(|(i, _)| i)
    };
    let zip64 = at(b"PK\x05\x06")
        .any(|i| i >= 20 && bytes.get(i - 20..i - 16) == Some(b"PK\x06\x07".as_slice()));
    if !zip64 {
        return Ok(());
    }
    let too_many = at(b"PK\x06\x06").any(|i| {
        let entries = bytes
            .get(i + 32..i + 40)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_le_bytes);
        entries > max_entries as u64
    });
    match too_many {
        true => Err(XlsxError::TooLarge),
        false => Ok(()),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum RelKind {
    Worksheet,
    SharedStrings,
}

struct Rel {
    id: String,
    kind: RelKind,
    target: String,
}

/// A relationship target as a path in the archive: relative to `xl/`
/// unless absolute.
fn part_path(target: &str) -> String {
    let target = target.replace('\\', "/");
    if let Some(absolute) = target.strip_prefix('/') {
        absolute.to_owned()
    } else if target.starts_with("xl/") {
        target
    } else {
        format!("xl/{target}")
    }
}

fn zip_error(e: zip::result::ZipError) -> XlsxError {
    match e {
        zip::result::ZipError::Io(e) => io_error(&e),
        e => unreadable(e.to_string()),
    }
}

fn io_error(e: &io::Error) -> XlsxError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Refusal>())
    {
        Some(Refusal::LongerThanDeclared) => {
            unreadable("içindeki bir parça, bildirilen boyutundan büyük")
        }
        Some(Refusal::LongToken) => XlsxError::TooLarge,
        Some(Refusal::Doctype) => unreadable("XML belge tipi (DOCTYPE) desteklenmiyor"),
        None => unreadable(e.to_string()),
    }
}

fn xml_error(e: quick_xml::Error) -> XlsxError {
    match e {
        quick_xml::Error::Io(e) => io_error(&e),
        e => unreadable(format!("XML: {e}")),
    }
}

/// The value of the attribute whose name `is_key`, unescaped.
fn attr(
    e: &BytesStart<'_>,
    decoder: quick_xml::encoding::Decoder,
    is_key: impl Fn(&[u8]) -> bool,
) -> Result<Option<String>, XlsxError> {
    for a in e.attributes() {
        let a = a.map_err(|e| unreadable(format!("XML: {e}")))?;
        if is_key(a.key.as_ref()) {
            let value = a.decode_and_unescape_value(decoder).map_err(xml_error)?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

// ---------------------------------------------------------------------------
// Inflating with limits

/// Why [`Inflated`] stopped: carried inside the `io::Error` the parser
/// returns, and turned back into an [`XlsxError`] by `io_error`.
#[derive(Debug, Clone, Copy, thiserror::Error)]
enum Refusal {
    #[error("the entry is longer than its declared size")]
    LongerThanDeclared,
    #[error("an XML token is too long")]
    LongToken,
    #[error("DOCTYPE is not supported")]
    Doctype,
}

/// Where the bytes read so far stand in the XML syntax, as far as needed to
/// know where the parser's next event ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    Text,
    /// Just after `<`.
    Open,
    /// In a tag; inside quotes if `Some(quote)`.
    Tag(Option<u8>),
    /// In `<?…?>`; `true` just after `?`.
    Instruction(bool),
    /// Just after `<!`.
    Bang,
    /// Just after `<!-`.
    BangDash,
    /// In `<!--…-->`; the number of `-` just read, at most 2.
    Comment(u8),
    /// In `<![CDATA[…]]>`; the number of `]` just read, at most 2.
    Cdata(u8),
}

/// A zip entry's uncompressed bytes for the XML parser. Fails past the
/// declared size (a header must not hide a bomb) and when one token grows
/// past `max_token` bytes, since the parser buffers a whole token.
struct Inflated<R> {
    inner: R,
    left: u64,
    lex: Lex,
    token: usize,
    max_token: usize,
}

impl<R: Read> Inflated<R> {
    fn new(inner: R, declared: u64, max_token: usize) -> Self {
        Self {
            inner,
            left: declared,
            lex: Lex::Text,
            token: 0,
            max_token,
        }
    }

    fn scan(&mut self, bytes: &[u8]) -> Result<(), Refusal> {
        for &b in bytes {
            self.token += 1;
            self.lex = match (self.lex, b) {
                (Lex::Text, b'<') => {
                    self.token = 1;
                    Lex::Open
                }
                (Lex::Text, _) => Lex::Text,
                (Lex::Open, b'?') => Lex::Instruction(false),
                (Lex::Open, b'!') => Lex::Bang,
                (Lex::Open | Lex::Tag(None), b'>')
                | (Lex::Instruction(true), b'>')
                | (Lex::Comment(2), b'>')
                | (Lex::Cdata(2), b'>') => {
                    self.token = 0;
                    Lex::Text
                }
                (Lex::Open | Lex::Tag(None), b'"' | b'\'') => Lex::Tag(Some(b)),
                (Lex::Open | Lex::Tag(None), _) => Lex::Tag(None),
                (Lex::Tag(Some(q)), _) if b == q => Lex::Tag(None),
                (Lex::Tag(quote), _) => Lex::Tag(quote),
                (Lex::Instruction(_), _) => Lex::Instruction(b == b'?'),
                (Lex::Bang, b'-') => Lex::BangDash,
                (Lex::Bang, b'[') => Lex::Cdata(0),
                (Lex::Bang, _) => return Err(Refusal::Doctype),
                (Lex::BangDash, b'-') => Lex::Comment(0),
                (Lex::BangDash, _) => return Err(Refusal::Doctype),
                (Lex::Comment(n), b'-') => Lex::Comment((n + 1).min(2)),
                (Lex::Comment(_), _) => Lex::Comment(0),
                (Lex::Cdata(n), b']') => Lex::Cdata((n + 1).min(2)),
                (Lex::Cdata(_), _) => Lex::Cdata(0),
            };
            if self.token > self.max_token {
                return Err(Refusal::LongToken);
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Inflated<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte more than declared may be asked for, to notice a lie.
        let allowed = usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX);
        let want = buf.len().min(allowed);
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            return Err(io::Error::other(Refusal::LongerThanDeclared));
        }
        self.left -= n as u64;
        self.scan(&buf[..n]).map_err(io::Error::other)?;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------
// Strings

/// The shared-string table as one text and where each string ends: one
/// allocation however many strings.
#[derive(Default)]
struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1],
        };
        self.text.get(start..end)
    }
}

/// Appends the text of a string item (`<si>`, `<is>`) up to its end tag
/// `end`: plain `<t>` or rich-text runs, without phonetic guides (`<rPh>`).
/// `false` if it would take more than `room` bytes.
fn read_string<R: BufRead>(
    xml: &mut Reader<R>,
    buf: &mut Vec<u8>,
    end: &[u8],
    out: &mut String,
    room: usize,
) -> Result<bool, XlsxError> {
    let start = out.len();
    let (mut in_t, mut phonetic) = (false, 0usize);
    loop {
        buf.clear();
        match xml.read_event_into(buf).map_err(xml_error)? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_t = true,
                b"rPh" => phonetic += 1,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                name if name == end => return Ok(true),
                b"t" => in_t = false,
                b"rPh" => phonetic = phonetic.saturating_sub(1),
                _ => {}
            },
            Event::Eof => return Err(unreadable("XML beklenmedik yerde bitiyor")),
            event if in_t && phonetic == 0 => push_text(event, out)?,
            _ => {}
        }
        if out.len() - start > room {
            return Ok(false);
        }
    }
}

/// Appends the text of an element (`<v>`) up to its end tag `end`; `false`
/// if it would take more than `room` bytes.
fn read_text<R: BufRead>(
    xml: &mut Reader<R>,
    buf: &mut Vec<u8>,
    end: &[u8],
    out: &mut String,
    room: usize,
) -> Result<bool, XlsxError> {
    loop {
        buf.clear();
        match xml.read_event_into(buf).map_err(xml_error)? {
            Event::End(e) if e.local_name().as_ref() == end => return Ok(true),
            Event::Eof => return Err(unreadable("XML beklenmedik yerde bitiyor")),
            event => push_text(event, out)?,
        }
        if out.len() > room {
            return Ok(false);
        }
    }
}

/// Appends text, CDATA and character or entity references; ignores the rest.
fn push_text(event: Event<'_>, out: &mut String) -> Result<(), XlsxError> {
    match event {
        Event::Text(t) => out.push_str(&t.xml10_content().map_err(encoding_error)?),
        Event::CData(t) => out.push_str(&t.xml10_content().map_err(encoding_error)?),
        Event::GeneralRef(r) => push_reference(&r, out)?,
        _ => {}
    }
    Ok(())
}

fn encoding_error(e: quick_xml::encoding::EncodingError) -> XlsxError {
    unreadable(format!("XML: {e}"))
}

fn push_reference(r: &BytesRef<'_>, out: &mut String) -> Result<(), XlsxError> {
    if let Some(c) = r.resolve_char_ref().map_err(xml_error)? {
        out.push(c);
        return Ok(());
    }
    let name = r.decode().map_err(encoding_error)?;
    let text = quick_xml::escape::resolve_xml_entity(&name)
        .ok_or_else(|| unreadable(format!("XML: bilinmeyen varlık &{name};")))?;
    out.push_str(text);
    Ok(())
}

/// Excel writes control characters as `_x000D_` and the like.
fn unescape_ooxml(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains("_x00") {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("_x00") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let code = tail
            .get(4..6)
            .filter(|_| tail.as_bytes().get(6) == Some(&b'_'))
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match code {
            Some(code) => {
                out.push(char::from(code));
                rest = &tail[7..];
            }
            None => {
                out.push('_');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

// ---------------------------------------------------------------------------
// The sheet

/// What a cell's `t` attribute says its `<v>` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Shared,
    Bool,
    Error,
    /// `str` (a formula's text), `d` (an ISO date) and `inlineStr`.
    Text,
}

/// The state of the sheet being streamed and the counts kept against the
/// limits.
struct Rows<'s> {
    limits: Limits,
    strings: &'s SharedStrings,
    in_row: bool,
    /// The number of the row being read, once its `<row>` or a cell says.
    number: Option<u32>,
    next_column: u32,
    cells: Vec<Cell>,
    has_value: bool,
    /// The number of the last row read; rows come in order.
    last: u32,
    rows: usize,
    text_bytes: usize,
}

impl<'s> Rows<'s> {
    fn new(limits: Limits, strings: &'s SharedStrings) -> Self {
        Self {
            limits,
            strings,
            in_row: false,
            number: None,
            next_column: 0,
            cells: Vec::new(),
            has_value: false,
            last: 0,
            rows: 0,
            text_bytes: 0,
        }
    }

    fn start_row(&mut self, e: &BytesStart<'_>) -> Result<(), XlsxError> {
        let mut number = None;
        for a in e.attributes() {
            let a = a.map_err(|e| unreadable(format!("XML: {e}")))?;
            if a.key.as_ref() == b"r" {
                number = Some(parse_row(&a.value)?);
            }
        }
        if let Some(n) = number {
            self.check_order(n)?;
        }
        self.in_row = true;
        self.number = number;
        self.next_column = 0;
        self.cells.clear();
        self.has_value = false;
        Ok(())
    }

    fn check_order(&self, number: u32) -> Result<(), XlsxError> {
        if number <= self.last {
            return Err(unreadable(format!(
                "{number}. satır sırasız ya da birden fazla kez yazılmış"
            )));
        }
        Ok(())
    }

    /// The number of the row just ended if it holds a value, for the caller
    /// to hand on with `self.cells`.
    fn end_row(&mut self) -> Result<Option<usize>, XlsxError> {
        self.in_row = false;
        let number = match self.number {
            Some(n) => n,
            None => self.last + 1,
        };
        if number > EXCEL_ROWS {
            return Err(unreadable("sayfa 1.048.576 satırdan uzun"));
        }
        self.last = number;
        if !self.has_value {
            return Ok(None);
        }
        self.rows += 1;
        if self.rows > self.limits.max_rows {
            return Err(XlsxError::TooManyRows(self.limits.max_rows));
        }
        Ok(Some(number as usize))
    }

    /// Reads one `<c>` element to its end and keeps its value.
    fn read_cell<R: BufRead>(
        &mut self,
        xml: &mut Reader<R>,
        buf: &mut Vec<u8>,
        c: &BytesStart<'_>,
    ) -> Result<(), XlsxError> {
        let (mut address, mut kind) = (None, Kind::Number);
        for a in c.attributes() {
            let a = a.map_err(|e| unreadable(format!("XML: {e}")))?;
            match a.key.as_ref() {
                b"r" => address = Some(parse_address(&a.value)?),
                b"t" => kind = parse_kind(&a.value)?,
                _ => {}
            }
        }
        let (row, column) = self.place(address)?;
        let cell_name = || format!("{}{row}", column_name(column));
        // Bytes a cell of `max_cell_chars` characters can take, escaped.
        let room = self.limits.max_cell_chars.saturating_mul(4);
        let mut raw: Option<String> = None;
        loop {
            buf.clear();
            let (local, name) = match xml.read_event_into(buf).map_err(xml_error)? {
                Event::Start(e) => (e.local_name().as_ref().to_vec(), e.name().as_ref().to_vec()),
                Event::End(e) if e.local_name().as_ref() == b"c" => break,
                Event::Eof => return Err(unreadable("XML beklenmedik yerde bitiyor")),
                _ => continue,
            };
            let mut text = String::new();
            let fits = match local.as_slice() {
                b"v" => read_text(xml, buf, b"v", &mut text, room)?,
                b"is" => {
                    kind = Kind::Text;
                    let fits = read_string(xml, buf, b"is", &mut text, room)?;
                    text = unescape_ooxml(&text).into_owned();
                    fits
                }
                // A formula (its value is in <v>) or an extension.
                _ => {
                    xml.read_to_end_into(quick_xml::name::QName(&name), buf)
                        .map_err(xml_error)?;
                    continue;
                }
            };
            if !fits {
                return Err(self.too_long(cell_name()));
            }
            raw = Some(text);
        }
        let Some(raw) = raw else {
            return Ok(());
        };
        let Some(value) = self.value(kind, raw, &cell_name)? else {
            return Ok(());
        };
        if column >= self.limits.max_columns {
            return Err(XlsxError::TooManyColumns {
                max: self.limits.max_columns,
                cell: cell_name(),
            });
        }
        let index = column as usize;
        if self.cells.len() <= index {
            self.cells.resize(index + 1, Cell::Empty);
        }
        self.cells[index] = value;
        self.has_value = true;
        Ok(())
    }

    /// The row and column of the next cell: its own address if it has one
    /// (which must be in the row being read), else the one after the last.
    fn place(&mut self, address: Option<(u32, u32)>) -> Result<(u32, u32), XlsxError> {
        let (row, column) = match (address, self.number) {
            (Some((row, column)), Some(n)) if row != n => {
                return Err(unreadable(format!(
                    "{}{row} hücresi {n}. satırın içinde",
                    column_name(column)
                )));
            }
            (Some((row, column)), Some(_)) => (row, column),
            (Some((row, column)), None) => {
                self.check_order(row)?;
                self.number = Some(row);
                (row, column)
            }
            (None, number) => (number.unwrap_or(self.last + 1), self.next_column),
        };
        if column >= EXCEL_COLUMNS {
            return Err(unreadable("sayfa 16.384 sütundan geniş"));
        }
        self.next_column = column + 1;
        Ok((row, column))
    }

    /// The cell's value from the text of its `<v>` or `<is>`; `None` for
    /// an empty number cell.
    fn value(
        &mut self,
        kind: Kind,
        raw: String,
        cell_name: &dyn Fn() -> String,
    ) -> Result<Option<Cell>, XlsxError> {
        let text = match kind {
            Kind::Number => {
                let trimmed = raw.trim();
                if trimmed.is_empty() {
                    return Ok(None);
                }
                match trimmed.parse::<f64>() {
                    Ok(n) => return Ok(Some(Cell::Number(n))),
                    // Not a number after all: kept as typed.
                    Err(_) => raw,
                }
            }
            Kind::Bool => return Ok(Some(Cell::Bool(raw.trim() != "0"))),
            Kind::Shared => {
                let s = raw
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| self.strings.get(i))
                    .ok_or_else(|| unreadable(format!("{} hücresinin metni yok", cell_name())))?;
                // Checked before copying: a long string may be used by
                // many cells.
                if s.len() > self.limits.max_cell_chars.saturating_mul(4) {
                    return Err(self.too_long(cell_name()));
                }
                s.to_owned()
            }
            Kind::Error | Kind::Text => raw,
        };
        if text.chars().count() > self.limits.max_cell_chars {
            return Err(self.too_long(cell_name()));
        }
        self.text_bytes += text.len();
        if self.text_bytes > self.limits.max_text_bytes {
            return Err(XlsxError::TooLarge);
        }
        Ok(Some(match kind {
            Kind::Error => Cell::Error(text),
            _ => Cell::Text(text),
        }))
    }

    fn too_long(&self, cell: String) -> XlsxError {
        XlsxError::CellTooLong {
            max: self.limits.max_cell_chars,
            cell,
        }
    }
}

fn parse_kind(t: &[u8]) -> Result<Kind, XlsxError> {
    Ok(match t {
        b"n" => Kind::Number,
        b"s" => Kind::Shared,
        b"b" => Kind::Bool,
        b"e" => Kind::Error,
        b"str" | b"d" | b"inlineStr" => Kind::Text,
        other => {
            return Err(unreadable(format!(
                "bilinmeyen hücre türü “{}”",
                String::from_utf8_lossy(other)
            )));
        }
    })
}

fn parse_row(r: &[u8]) -> Result<u32, XlsxError> {
    std::str::from_utf8(r)
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .filter(|n| (1..=EXCEL_ROWS).contains(n))
        .ok_or_else(|| {
            unreadable(format!(
                "geçersiz satır numarası “{}”",
                String::from_utf8_lossy(r)
            ))
        })
}

/// "AB12" → (12, 27): the 1-based row and the 0-based column.
fn parse_address(r: &[u8]) -> Result<(u32, u32), XlsxError> {
    let invalid = || {
        unreadable(format!(
            "geçersiz hücre adresi “{}”",
            String::from_utf8_lossy(r)
        ))
    };
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return Err(invalid());
    }
    let column = r[..letters].iter().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    }) - 1;
    if column >= EXCEL_COLUMNS {
        return Err(invalid());
    }
    let row = parse_row(&r[letters..]).map_err(|_| invalid())?;
    Ok((row, column))
}

/// 0 → "A", 27 → "AB".
fn column_name(column: u32) -> String {
    let mut n = column + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    fn workbook_xml(sheets: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{sheets}</sheets></workbook>"#
        )
    }

    fn rels_xml(rels: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        )
    }

    fn sheet_xml(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}"><dimension ref="A1"/><sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    fn shared_xml(strings: &[&str]) -> String {
        let items: String = strings
            .iter()
            .map(|s| format!("<si><t>{s}</t></si>"))
            .collect();
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>"#)
    }

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default();
        for (name, bytes) in parts {
            zip.start_file(*name, options).expect("entry");
            zip.write_all(bytes).expect("write");
        }
        zip.finish().expect("zip").into_inner()
    }

    /// A one-sheet workbook with the given sheet XML and shared strings.
    fn book(sheet: &str, shared: &str) -> Vec<u8> {
        let rels = rels_xml(&format!(
            r#"<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>"#
        ));
        let workbook = workbook_xml(r#"<sheet name="Liste" sheetId="1" r:id="rId1"/>"#);
        zip_of(&[
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/sharedStrings.xml", shared.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ])
    }

    fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<(usize, Vec<Cell>)>, XlsxError> {
        let mut rows = Vec::new();
        read_first_sheet(bytes, limits, |n, cells| {
            rows.push((n, cells.to_vec()));
            Ok::<_, XlsxError>(())
        })?;
        Ok(rows)
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    #[test]
    fn cells_of_every_kind_in_their_rows_and_columns() {
        let shared = format!(
            r#"<sst xmlns="{MAIN}"><si><t>Ayşe</t></si><si><r><t>Çan</t></r><r><rPr><b/></rPr><t xml:space="preserve">kaya </t></r><rPh><t>ちゃん</t></rPh></si><si><t>a&amp;b_x000D_&#x130;</t></si></sst>"#
        );
        let rows = r#"<row r="3"><c r="B3" t="s"><v>0</v></c><c r="D3"><v>10000000146</v></c></row>
            <row r="5" spans="1:6"><c r="A5" t="s"><v>1</v></c><c r="B5" t="b"><v>1</v></c><c r="C5" t="e"><v>#N/A</v></c>
              <c r="D5" t="str"><f>A5&amp;"x"</f><v>Çankaya x</v></c><c r="E5" t="inlineStr"><is><t>satır içi</t></is></c><c r="F5" t="s"><v>2</v></c></row>
            <row r="6"><c r="A6" s="3"/><c r="B6"><v></v></c></row>
            <row><c><v>7.5</v></c><c t="b"><v>0</v></c></row>"#;
        let got = read(&book(&sheet_xml(rows), &shared), &Limits::UPLOAD).expect("reads");
        assert_eq!(
            got,
            vec![
                (
                    3,
                    vec![
                        Cell::Empty,
                        text("Ayşe"),
                        Cell::Empty,
                        Cell::Number(10_000_000_146.0)
                    ]
                ),
                (
                    5,
                    vec![
                        text("Çankaya "),
                        Cell::Bool(true),
                        Cell::Error("#N/A".into()),
                        text("Çankaya x"),
                        text("satır içi"),
                        text("a&b\rİ"),
                    ]
                ),
                // Row 6 has no value; the row after it has no number.
                (7, vec![Cell::Number(7.5), Cell::Bool(false)]),
            ]
        );
    }

    #[test]
    fn prefixed_elements_and_upper_case_entry_names_are_read() {
        let sheet = format!(
            r#"<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Ad</x:t></x:is></x:c><x:c r="B1"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>"#
        );
        let rels = rels_xml(&format!(
            r#"<Relationship Id="rId1" Type="{RELS}/worksheet" Target="/xl/worksheets/Sheet1.xml"/>"#
        ));
        let workbook = workbook_xml(r#"<sheet name="A" sheetId="1" r:id="rId1"/>"#);
        let bytes = zip_of(&[
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("XL/WORKSHEETS/SHEET1.XML", sheet.as_bytes()),
        ]);
        assert_eq!(
            read(&bytes, &Limits::UPLOAD).expect("reads"),
            vec![(1, vec![text("Ad"), Cell::Number(2.0)])]
        );
    }

    #[test]
    fn the_first_visible_worksheet_is_read() {
        let rels = rels_xml(&format!(
            r#"<Relationship Id="rId1" Type="{RELS}/chartsheet" Target="chartsheets/sheet1.xml"/><Relationship Id="rId2" Type="{RELS}/worksheet" Target="worksheets/gizli.xml"/><Relationship Id="rId3" Type="{RELS}/worksheet" Target="worksheets/liste.xml"/>"#
        ));
        let one = |s: &str| {
            sheet_xml(&format!(
                r#"<row r="1"><c r="A1" t="inlineStr"><is><t>{s}</t></is></c></row>"#
            ))
        };
        let workbook = workbook_xml(
            r#"<sheet name="Grafik" sheetId="1" r:id="rId1"/><sheet name="Eski" sheetId="2" state="hidden" r:id="rId2"/><sheet name="Liste" sheetId="3" r:id="rId3"/>"#,
        );
        let (hidden, list) = (one("gizli"), one("liste"));
        let parts: [(&str, &[u8]); 4] = [
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/gizli.xml", hidden.as_bytes()),
            ("xl/worksheets/liste.xml", list.as_bytes()),
        ];
        let got = read(&zip_of(&parts), &Limits::UPLOAD).expect("reads");
        assert_eq!(got, vec![(1, vec![text("liste")])]);

        // Only hidden worksheets: the first of them.
        let workbook = workbook.replace(r#"sheetId="3""#, r#"sheetId="3" state="veryHidden""#);
        let mut parts = parts;
        parts[0].1 = workbook.as_bytes();
        let got = read(&zip_of(&parts), &Limits::UPLOAD).expect("reads");
        assert_eq!(got, vec![(1, vec![text("gizli")])]);

        // No worksheet at all.
        let workbook = workbook_xml(r#"<sheet name="Grafik" sheetId="1" r:id="rId1"/>"#);
        parts[0].1 = workbook.as_bytes();
        assert_eq!(
            read(&zip_of(&parts), &Limits::UPLOAD),
            Err(XlsxError::NoWorksheet)
        );
    }

    #[test]
    fn a_value_far_in_the_corner_is_refused_without_a_grid() {
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
        let bytes = book(
            &sheet_xml(rows).replace("A1\"/>", "A1:XFD1048576\"/>"),
            &shared_xml(&[]),
        );
        let err = read(&bytes, &Limits::UPLOAD).expect_err("refused");
        assert_eq!(
            err,
            XlsxError::TooManyColumns {
                max: 50,
                cell: "XFD1048576".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "Dosya en fazla 50 sütun içerebilir; XFD1048576 hücresi bu sınırın dışında."
        );
        // Far down but within the columns: two rows, nothing in between.
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="AX1048576"><v>2</v></c></row>"#;
        let got = read(&book(&sheet_xml(rows), &shared_xml(&[])), &Limits::UPLOAD).expect("reads");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, 1_048_576);
        assert_eq!(got[1].1.len(), 50);
    }

    #[test]
    fn formatted_empty_cells_anywhere_are_no_values() {
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c><c r="XFD1" s="2"/></row><row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="2"/></row>"#;
        let got = read(&book(&sheet_xml(rows), &shared_xml(&[])), &Limits::UPLOAD).expect("reads");
        assert_eq!(got, vec![(1, vec![Cell::Number(1.0)])]);
    }

    /// Writes `size` bytes of `fill` between `head` and `tail` into a
    /// deflated entry without holding them in memory.
    fn deflated_entry(
        zip: &mut zip::ZipWriter<Cursor<Vec<u8>>>,
        name: &str,
        head: &str,
        fill: u8,
        size: usize,
        tail: &str,
    ) {
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file(name, options).expect("entry");
        zip.write_all(head.as_bytes()).expect("write");
        let chunk = vec![fill; 64 * 1024];
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len());
            zip.write_all(&chunk[..n]).expect("write");
            left -= n;
        }
        zip.write_all(tail.as_bytes()).expect("write");
    }

    /// A workbook whose one shared string is `size` bytes of 'A', used by
    /// `uses` cells.
    fn big_string_book(size: usize, uses: usize) -> Vec<u8> {
        let cells: String = (1..=uses)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
            .collect();
        let mut bytes = book(&sheet_xml(&cells), "");
        // `book` wrote an empty shared-string part; a second zip with the
        // big one replaces it.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let mut source = ZipArchive::new(Cursor::new(bytes.as_slice())).expect("zip");
        for i in 0..source.len() {
            let file = source.by_index_raw(i).expect("entry");
            if file.name() != "xl/sharedStrings.xml" {
                zip.raw_copy_file(file).expect("copy");
            }
        }
        deflated_entry(
            &mut zip,
            "xl/sharedStrings.xml",
            &format!(r#"<sst xmlns="{MAIN}"><si><t>"#),
            b'A',
            size,
            "</t></si></sst>",
        );
        bytes = zip.finish().expect("zip").into_inner();
        bytes
    }

    #[test]
    fn a_64_mib_shared_string_is_refused() {
        let bytes = big_string_book(64 * MIB, 1);
        assert!(bytes.len() < 200 * 1024, "{} bytes", bytes.len());
        assert_eq!(read(&bytes, &Limits::UPLOAD), Err(XlsxError::TooLarge));
        // Declared within the part limit, the string is stopped as a token.
        let limits = Limits {
            max_part_bytes: 128 * MIB as u64,
            max_total_bytes: 128 * MIB as u64,
            ..Limits::UPLOAD
        };
        assert_eq!(read(&bytes, &limits), Err(XlsxError::TooLarge));
    }

    #[test]
    fn a_long_shared_string_used_by_many_cells_is_refused_at_the_first() {
        let bytes = big_string_book(900 * 1024, 200);
        let err = read(&bytes, &Limits::UPLOAD).expect_err("refused");
        assert_eq!(
            err,
            XlsxError::CellTooLong {
                max: 2_000,
                cell: "A1".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "A1 hücresi çok uzun: bir hücre en fazla 2.000 karakter içerebilir."
        );
        // Cells just within the limit add up against the text budget.
        let bytes = big_string_book(2_000, 200);
        let limits = Limits {
            max_text_bytes: 100 * 2_000,
            ..Limits::UPLOAD
        };
        assert_eq!(read(&bytes, &limits), Err(XlsxError::TooLarge));
        assert_eq!(read(&bytes, &Limits::UPLOAD).expect("reads").len(), 200);
    }

    /// Rewrites the uncompressed size that the local and central headers of
    /// entry `name` declare.
    fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
        let le = |b: &[u8], at: usize| usize::from(u16::from_le_bytes([b[at], b[at + 1]]));
        let mut patched = 0;
        for at in 0..bytes.len().saturating_sub(46) {
            let (size_at, name_len, name_at) = match &bytes[at..at + 4] {
                b"PK\x03\x04" => (at + 22, le(bytes, at + 26), at + 30),
                b"PK\x01\x02" => (at + 24, le(bytes, at + 28), at + 46),
                _ => continue,
            };
            if bytes.get(name_at..name_at + name_len) == Some(name.as_bytes()) {
                bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2, "local and central header of {name}");
    }

    #[test]
    fn an_entry_larger_than_it_declares_is_cut_off_there() {
        let rows: String = (1..=5_000)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
            .collect();
        let sheet = sheet_xml(&rows);
        let mut bytes = book(&sheet, &shared_xml(&[]));
        assert_eq!(read(&bytes, &Limits::UPLOAD).expect("reads").len(), 5_000);
        declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 1_000);
        let err = read(&bytes, &Limits::UPLOAD).expect_err("refused");
        assert_eq!(
            err,
            unreadable("içindeki bir parça, bildirilen boyutundan büyük")
        );
        // Declared larger than a part may be: refused before inflating.
        declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 33 * MIB as u32);
        assert_eq!(read(&bytes, &Limits::UPLOAD), Err(XlsxError::TooLarge));
        // All entries together may not declare more than the total.
        let limits = Limits {
            max_total_bytes: 32 * MIB as u64,
            ..Limits::UPLOAD
        };
        declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 32 * MIB as u32);
        assert_eq!(read(&bytes, &limits), Err(XlsxError::TooLarge));
    }

    #[test]
    fn a_zip_inside_the_sheet_is_refused_and_embedded_ones_are_ignored() {
        let inner = book(
            &sheet_xml(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#),
            &shared_xml(&[]),
        );
        let rels = rels_xml(&format!(
            r#"<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>"#
        ));
        let workbook = workbook_xml(r#"<sheet name="A" sheetId="1" r:id="rId1"/>"#);
        let nested = zip_of(&[
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", &inner),
        ]);
        assert_eq!(read(&nested, &Limits::UPLOAD), Err(XlsxError::Nested));

        let sheet = sheet_xml(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#);
        let embedded = zip_of(&[
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
            ("xl/embeddings/Microsoft_Excel_Worksheet.xlsx", &nested),
        ]);
        assert_eq!(
            read(&embedded, &Limits::UPLOAD).expect("reads"),
            vec![(1, vec![Cell::Number(1.0)])]
        );
    }

    #[test]
    fn rows_with_values_are_counted() {
        let rows: String = (1..=12)
            .map(|r| {
                format!(
                    r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row><row r="{}"/>"#,
                    r + 100
                )
            })
            .collect();
        let out_of_order = book(&sheet_xml(&rows), &shared_xml(&[]));
        let limits = Limits {
            max_rows: 12,
            ..Limits::UPLOAD
        };
        // Empty rows in between do not count (but must be in order).
        let rows: String = (1..=12)
            .map(|r| {
                format!(
                    r#"<row r="{}"><c r="A{0}"><v>1</v></c></row><row r="{}"/>"#,
                    2 * r - 1,
                    2 * r
                )
            })
            .collect();
        let in_order = book(&sheet_xml(&rows), &shared_xml(&[]));
        assert_eq!(read(&in_order, &limits).expect("reads").len(), 12);
        let limits = Limits {
            max_rows: 11,
            ..limits
        };
        let err = read(&in_order, &limits).expect_err("over");
        assert_eq!(err, XlsxError::TooManyRows(11));
        assert_eq!(
            XlsxError::TooManyRows(20_000).to_string(),
            "Dosya en fazla 20.000 satır içerebilir."
        );
        // Row 2 after row 101.
        assert!(matches!(
            read(&out_of_order, &Limits::UPLOAD),
            Err(XlsxError::Unreadable(m)) if m.contains("sırasız")
        ));
    }

    #[test]
    fn cells_must_be_in_their_row() {
        let rows = r#"<row r="2"><c r="A3"><v>1</v></c></row>"#;
        assert!(matches!(
            read(&book(&sheet_xml(rows), &shared_xml(&[])), &Limits::UPLOAD),
            Err(XlsxError::Unreadable(m)) if m.contains("A3 hücresi 2. satırın içinde")
        ));
        for address in ["1A", "A0", "AAAA1", "A1048577", "XFE1", "A-1"] {
            let rows = format!(r#"<row><c r="{address}"><v>1</v></c></row>"#);
            assert!(
                matches!(
                    read(&book(&sheet_xml(&rows), &shared_xml(&[])), &Limits::UPLOAD),
                    Err(XlsxError::Unreadable(_))
                ),
                "{address}"
            );
        }
    }

    #[test]
    fn shared_strings_are_counted_and_their_text_bounded() {
        let strings: Vec<String> = (0..100).map(|i| format!("s{i:02}")).collect();
        let refs: Vec<&str> = strings.iter().map(String::as_str).collect();
        let bytes = book(
            &sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>99</v></c></row>"#),
            &shared_xml(&refs),
        );
        assert_eq!(
            read(&bytes, &Limits::UPLOAD).expect("reads"),
            vec![(1, vec![text("s99")])]
        );
        let few = Limits {
            max_shared_strings: 99,
            ..Limits::UPLOAD
        };
        assert_eq!(read(&bytes, &few), Err(XlsxError::TooLarge));
        let short = Limits {
            max_shared_text_bytes: 299,
            ..Limits::UPLOAD
        };
        assert_eq!(read(&bytes, &short), Err(XlsxError::TooLarge));
        // An index past the table is an error, not a panic.
        let bytes = book(
            &sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>100</v></c></row>"#),
            &shared_xml(&refs),
        );
        assert!(matches!(
            read(&bytes, &Limits::UPLOAD),
            Err(XlsxError::Unreadable(_))
        ));
    }

    #[test]
    fn long_tokens_are_refused_whatever_they_hide_in() {
        let limits = Limits {
            max_token_bytes: 1_000,
            ..Limits::UPLOAD
        };
        let long = "<>".repeat(600);
        for rows in [
            format!(r#"<row r="1"><c r="A1" x="{long}"><v>1</v></c></row>"#),
            format!(r#"<row r="1"><!-- {long} --><c r="A1"><v>1</v></c></row>"#),
            format!(r#"<row r="1"><c r="A1" t="str"><v><![CDATA[{long}]]></v></c></row>"#),
            format!(r#"<row r="1"><?pi {long}?><c r="A1"><v>1</v></c></row>"#),
            format!(
                r#"<row r="1"><c r="A1" t="str"><v>{}</v></c></row>"#,
                "x".repeat(1_200)
            ),
        ] {
            let bytes = book(&sheet_xml(&rows), &shared_xml(&[]));
            assert_eq!(
                read(&bytes, &limits),
                Err(XlsxError::TooLarge),
                "{}",
                &rows[..40]
            );
            // Short enough, the same constructs are read.
            assert!(read(&bytes, &Limits::UPLOAD).is_ok(), "{}", &rows[..40]);
        }
        let doctype =
            sheet_xml("").replace("<worksheet", "<!DOCTYPE x [<!ENTITY a \"b\">]><worksheet");
        assert!(matches!(
            read(&book(&doctype, &shared_xml(&[])), &Limits::UPLOAD),
            Err(XlsxError::Unreadable(m)) if m.contains("DOCTYPE")
        ));
    }

    #[test]
    fn long_inline_cells_are_refused() {
        let rows = format!(
            r#"<row r="4"><c r="C4" t="inlineStr"><is><r><t>{}</t></r><r><t>y</t></r></is></c></row>"#,
            "ş".repeat(2_000)
        );
        assert_eq!(
            read(&book(&sheet_xml(&rows), &shared_xml(&[])), &Limits::UPLOAD),
            Err(XlsxError::CellTooLong {
                max: 2_000,
                cell: "C4".into()
            })
        );
        let rows = rows.replace("<r><t>y</t></r>", "");
        assert!(read(&book(&sheet_xml(&rows), &shared_xml(&[])), &Limits::UPLOAD).is_ok());
    }

    #[test]
    fn archives_are_checked_before_anything_is_inflated() {
        assert!(matches!(
            read(b"PK\x03\x04 not really", &Limits::UPLOAD),
            Err(XlsxError::Unreadable(_))
        ));
        let bytes = book(&sheet_xml(""), &shared_xml(&[]));
        let few = Limits {
            max_entries: 3,
            ..Limits::UPLOAD
        };
        assert_eq!(read(&bytes, &few), Err(XlsxError::TooLarge));
        assert_eq!(read(&bytes, &Limits::UPLOAD), Ok(vec![]));
        let no_rels = zip_of(&[("xl/workbook.xml", workbook_xml("").as_bytes())]);
        assert!(matches!(
            read(&no_rels, &Limits::UPLOAD),
            Err(XlsxError::Unreadable(_))
        ));
    }

    #[test]
    fn zip64_claims_of_millions_of_entries_are_refused_before_opening() {
        let mut bytes = book(&sheet_xml(""), &shared_xml(&[]));
        let eocd = bytes.len() - 22;
        assert_eq!(&bytes[eocd..eocd + 4], b"PK\x05\x06");
        let cd_size = u64::from(u32::from_le_bytes(
            bytes[eocd + 12..eocd + 16].try_into().expect("4"),
        ));
        let cd_start = u64::from(u32::from_le_bytes(
            bytes[eocd + 16..eocd + 20].try_into().expect("4"),
        ));
        bytes.truncate(eocd);
        let record_at = bytes.len() as u64;
        let claim: u64 = 5_000_000;
        // ZIP64 end record, its locator, then the end record pointing at them.
        bytes.extend_from_slice(b"PK\x06\x06");
        bytes.extend_from_slice(&44u64.to_le_bytes());
        bytes.extend_from_slice(&[45, 0, 45, 0]);
        bytes.extend_from_slice(&[0; 8]);
        for n in [claim, claim, cd_size, cd_start] {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        bytes.extend_from_slice(b"PK\x06\x07");
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&record_at.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(b"PK\x05\x06");
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend_from_slice(&[0xFF; 4]);
        bytes.extend_from_slice(&[0xFF; 8]);
        bytes.extend_from_slice(&[0; 2]);
        assert_eq!(read(&bytes, &Limits::UPLOAD), Err(XlsxError::TooLarge));
        assert_eq!(check_entry_claims(&bytes, 5_000_000), Ok(()));
        // A plain zip is not searched for ZIP64 records.
        let mut plain = book(&sheet_xml(""), &shared_xml(&[]));
        plain.splice(0..0, b"PK\x06\x06".iter().copied().chain([0xFF; 40]));
        assert_eq!(check_entry_claims(&plain, 10), Ok(()));
    }

    #[test]
    fn addresses_and_numbers() {
        assert_eq!(parse_address(b"A1"), Ok((1, 0)));
        assert_eq!(parse_address(b"ab12"), Ok((12, 27)));
        assert_eq!(parse_address(b"XFD1048576"), Ok((1_048_576, 16_383)));
        for column in [0, 25, 26, 51, 701, 702, 16_383] {
            let name = format!("{}7", column_name(column));
            assert_eq!(parse_address(name.as_bytes()), Ok((7, column)), "{name}");
        }
        assert_eq!(column_name(49), "AX");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1.000");
        assert_eq!(thousands(1_048_576), "1.048.576");
        assert_eq!(
            unescape_ooxml("a_x000D__x0009_b_x00zz_c_x00"),
            "a\r\tb_x00zz_c_x00"
        );
    }
}
