//! Books on disk: a directory of CSV files (one per table), or one XLSX
//! workbook (one sheet per table). Reading is bounded like a scenario
//! file: at most [`MAX_FILE_BYTES`] of CSV in all, or a workbook of that
//! size that unpacks to no more than [`MAX_UNPACKED_BYTES`].

use super::{Book, Format, Row, Sheet, Source, TableError, TableErrors, TABLES};
use crate::scenario::{defused, escape_unsafe, read_capped, undefused, MAX_FILE_BYTES};
use std::path::Path;

/// How large the files inside a workbook may be in all, unpacked.
pub const MAX_UNPACKED_BYTES: u64 = 4 * MAX_FILE_BYTES;

fn shown(path: &Path) -> String {
    escape_unsafe(&path.display().to_string(), false).into_owned()
}

fn failed(at: impl Into<String>, message: impl Into<String>) -> TableErrors {
    TableErrors(vec![TableError {
        at: at.into(),
        message: message.into(),
        help: None,
    }])
}

/// Each sheet as CSV text, named `TABLE.csv`: text that a spreadsheet
/// would run as a formula starts with `'` (see [`defused`]).
pub fn write_csv_dir(book: &Book) -> Vec<(String, Vec<u8>)> {
    book.sheets
        .iter()
        .map(|sheet| {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::new());
            w.write_record(&sheet.header)
                .expect("writing to memory cannot fail");
            for row in &sheet.rows {
                w.write_record(row.cells.iter().map(|c| defused(c).into_owned()))
                    .expect("writing to memory cannot fail");
            }
            let bytes = w.into_inner().expect("writing to memory cannot fail");
            (format!("{}.csv", sheet.name), bytes)
        })
        .collect()
}

/// Reads every `*.csv` file of `dir` as a table (other files are left
/// alone). A leading byte-order mark is skipped; a file whose first line
/// has semicolons and no commas is read with `;` between cells (as some
/// spreadsheets save CSV); one leading `'` of a cell is dropped.
pub fn read_csv_dir(dir: &Path) -> Result<Book, TableErrors> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| failed(shown(dir), format!("cannot read the directory: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| failed(shown(dir), format!("cannot read the directory: {e}")))?;
        let path = entry.path();
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if is_csv && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(TableErrors(vec![TableError {
            at: shown(dir),
            message: "no CSV files here".into(),
            help: Some(format!(
                "a scenario's tables are CSV files named after them: {}.csv (`drsim export SCENARIO --to DIR` writes them)",
                TABLES.iter().map(|t| t.name).collect::<Vec<_>>().join(".csv, ")
            )),
        }]));
    }
    let mut total = 0u64;
    let mut sheets = Vec::new();
    for path in files {
        let file = std::fs::File::open(&path)
            .map_err(|e| failed(shown(&path), format!("cannot read it: {e}")))?;
        let bytes = read_capped(file).map_err(|e| failed(shown(&path), e.to_string()))?;
        total += bytes.len() as u64;
        if total > MAX_FILE_BYTES {
            return Err(failed(
                shown(dir),
                format!(
                    "the CSV files are over {} MB in all; drsim reads tables up to that",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            ));
        }
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            failed(
                shown(&path),
                format!(
                    "not UTF-8 text (byte {}); save it as CSV UTF-8",
                    e.valid_up_to()
                ),
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first = text.lines().next().unwrap_or("");
        let delimiter = if first.contains(';') && !first.contains(',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut records = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record
                .map_err(|e| failed(format!("{}, row {}", shown(&path), i + 1), e.to_string()))?;
            records.push(
                record
                    .iter()
                    .map(|c| undefused(c).to_string())
                    .collect::<Vec<_>>(),
            );
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        sheets.push(sheet_of(stem, records, 0, 0));
    }
    Ok(Book {
        sheets,
        source: Source::Csv(shown(dir)),
    })
}

/// A sheet from its rows of cells (the first: the headings), numbered from
/// `first_row` (0-based) and starting at column `first_column`.
fn sheet_of(
    name: String,
    mut records: Vec<Vec<String>>,
    first_row: usize,
    first_column: usize,
) -> Sheet {
    let header = if records.is_empty() {
        Vec::new()
    } else {
        records.remove(0)
    };
    Sheet {
        name,
        header,
        rows: records
            .into_iter()
            .enumerate()
            .map(|(i, cells)| Row {
                number: first_row + i + 2,
                cells,
            })
            .collect(),
        header_row: first_row + 1,
        first_column,
    }
}

/// The book as an XLSX workbook: a sheet per table, headings in bold with
/// the first row frozen, numbers and true/false as the spreadsheet's own,
/// everything else as text. The same book gives the same bytes (the
/// workbook's creation date is fixed).
pub fn write_xlsx(book: &Book) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as Style, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut workbook = Workbook::new();
    let date = ExcelDateTime::from_ymd(2026, 1, 1).map_err(e)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&date)
            .set_comment("Written by drsim export"),
    );
    let bold = Style::new().set_bold();
    for sheet in &book.sheets {
        let columns = super::table(&sheet.name)
            .map(|t| t.columns)
            .unwrap_or_default();
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).map_err(e)?;
        for (c, heading) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, heading, &bold)
                .map_err(e)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.cells.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let format = columns.get(c).map(|c| c.format);
                let number = cell.parse::<f64>().ok().filter(|x| x.is_finite());
                match (format, number) {
                    (Some(Format::Number | Format::Integer), Some(x)) => {
                        ws.write_number(r, c as u16, x).map_err(e)?;
                    }
                    (Some(Format::Bool | Format::Presence), _)
                        if cell == "true" || cell == "false" =>
                    {
                        ws.write_boolean(r, c as u16, cell == "true").map_err(e)?;
                    }
                    _ => {
                        ws.write_string(r, c as u16, cell).map_err(|err| {
                            format!(
                                "{} (sheet {}, cell {}{})",
                                err,
                                sheet.name,
                                super::column_letter(c),
                                r + 1
                            )
                        })?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(e)?;
        ws.autofit();
    }
    workbook.save_to_buffer().map_err(e)
}

/// Reads a workbook: each sheet a table, its first used row the headings.
pub fn read_xlsx(path: &Path) -> Result<Book, TableErrors> {
    use calamine::{Data, Reader, Xlsx};
    let name = shown(path);
    let bytes =
        crate::scenario::read_path(path).map_err(|e| failed(name.clone(), e.to_string()))?;
    // A small file may unpack to a huge one: refuse that before unpacking
    // (by the sizes the workbook's directory declares).
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes))
        .map_err(|e| failed(name.clone(), format!("not an XLSX workbook ({e})")))?;
    let mut unpacked = 0u64;
    for i in 0..archive.len() {
        let size = archive
            .by_index_raw(i)
            .map_err(|e| failed(name.clone(), format!("not an XLSX workbook ({e})")))?
            .size();
        unpacked = unpacked.saturating_add(size);
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(failed(
            name,
            format!(
                "the workbook unpacks to {} MB; drsim reads workbooks that unpack to {} MB at most",
                unpacked / (1024 * 1024),
                MAX_UNPACKED_BYTES / (1024 * 1024)
            ),
        ));
    }
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| failed(name.clone(), format!("not an XLSX workbook ({e})")))?;
    let mut sheets = Vec::new();
    let mut errors = Vec::new();
    for sheet_name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&sheet_name).map_err(|e| {
            failed(
                format!("{name}, sheet {}", escape_unsafe(&sheet_name, false)),
                e.to_string(),
            )
        })?;
        let (row0, col0) = range
            .start()
            .map(|(r, c)| (r as usize, c as usize))
            .unwrap_or((0, 0));
        let mut records = Vec::new();
        for (i, row) in range.rows().enumerate() {
            let mut cells = Vec::new();
            for (c, cell) in row.iter().enumerate() {
                let at = || {
                    format!(
                        "{name}, sheet {}, cell {}{}",
                        escape_unsafe(&sheet_name, false),
                        super::column_letter(col0 + c),
                        row0 + i + 1
                    )
                };
                cells.push(match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(x) => x.to_string(),
                    Data::Int(n) => n.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
                        errors.push(TableError {
                            at: at(),
                            message: "the spreadsheet holds a date or a time here".into(),
                            help: Some("format the cell as text and write a duration with its unit, e.g. 1.5h or 90m".into()),
                        });
                        String::new()
                    }
                    Data::Error(err) => {
                        errors.push(TableError {
                            at: at(),
                            message: format!("the cell holds a spreadsheet error ({err:?})"),
                            help: Some("write a value in it".into()),
                        });
                        String::new()
                    }
                });
            }
            records.push(cells);
        }
        sheets.push(sheet_of(sheet_name, records, row0, col0));
    }
    if !errors.is_empty() {
        return Err(TableErrors(errors));
    }
    Ok(Book {
        sheets,
        source: Source::Xlsx(name),
    })
}
