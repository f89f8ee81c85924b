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
        let records = csv_rows(text, delimiter)
            .map_err(|(row, message)| failed(format!("{}, row {row}", shown(&path)), message))?;
        let records: Vec<(usize, Vec<String>)> = records
            .into_iter()
            .map(|(row, cells)| {
                (
                    row,
                    cells.iter().map(|c| undefused(c).to_string()).collect(),
                )
            })
            .collect();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        sheets.push(numbered_sheet(stem, records, 0));
    }
    Ok(Book {
        sheets,
        source: Source::Csv(shown(dir)),
    })
}

/// A row's number as a spreadsheet shows it, and its cells.
pub(crate) type NumberedRow = (usize, Vec<String>);

/// The records of CSV `text`, each with its row as a spreadsheet shows
/// it: each line is a row, blank ones too, but a quoted cell's line breaks
/// stay in its row, so the row of a record is its first line less the line
/// breaks inside earlier records. (The csv reader skips blank lines and
/// reports the position before them: lines are counted from the text.) An
/// unreadable record: its row and why.
pub(crate) fn csv_rows(text: &str, delimiter: u8) -> Result<Vec<NumberedRow>, (usize, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut inside = 0usize;
    let (mut counted_to, mut line) = (0usize, 1usize);
    let mut line_at = |byte: usize| {
        // A record's position is where the reader began, before the blank
        // lines it skipped: its first line is after them.
        let mut byte = byte.min(text.len()).max(counted_to);
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        line += text.as_bytes()[counted_to..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = byte;
        line
    };
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = line_at(e.position().map_or(text.len(), |p| p.byte() as usize));
                return Err((line.saturating_sub(inside).max(1), e.to_string()));
            }
        };
        let line = record.position().map_or(1, |p| line_at(p.byte() as usize));
        let row = line.saturating_sub(inside).max(1);
        inside += record
            .iter()
            .map(|c| c.matches('\n').count())
            .sum::<usize>();
        records.push((row, record.iter().map(str::to_string).collect()));
    }
    Ok(records)
}

/// A sheet from its rows of cells, each with its row number (1-based; the
/// first: the headings), starting at column `first_column`.
fn numbered_sheet(
    name: String,
    mut records: Vec<(usize, Vec<String>)>,
    first_column: usize,
) -> Sheet {
    let (header_row, header) = if records.is_empty() {
        (1, Vec::new())
    } else {
        records.remove(0)
    };
    Sheet {
        name,
        header,
        rows: records
            .into_iter()
            .map(|(number, cells)| Row { number, cells })
            .collect(),
        header_row,
        first_column,
        stray: Vec::new(),
    }
}

/// A sheet from its cells ((row, column) from 0, text): the first row with
/// a cell holds the headings, the leftmost column with a cell is the
/// first. Rows are made for rows with cells only, no wider than the
/// headings; a cell beyond them is kept in `stray`, for import to refuse.
fn sheet_from_cells(name: String, mut cells: Vec<((u32, u32), String)>) -> Sheet {
    cells.sort_by_key(|(pos, _)| *pos);
    let first_row = cells.first().map_or(0, |((r, _), _)| *r);
    let first_column = cells.iter().map(|((_, c), _)| *c).min().unwrap_or(0);
    let width = cells
        .iter()
        .filter(|((r, _), _)| *r == first_row)
        .map(|((_, c), _)| (c - first_column) as usize + 1)
        .max()
        .unwrap_or(0);
    let mut records: Vec<(usize, Vec<String>)> = Vec::new();
    let mut stray = Vec::new();
    for ((r, c), text) in cells {
        let number = r as usize + 1;
        if records.last().is_none_or(|(n, _)| *n != number) {
            records.push((number, Vec::new()));
        }
        let row = &mut records.last_mut().expect("pushed").1;
        let k = (c - first_column) as usize;
        if k >= width {
            stray.push((number, c as usize));
            continue;
        }
        if row.len() <= k {
            row.resize(k + 1, String::new());
        }
        row[k] = text;
    }
    let mut sheet = numbered_sheet(name, records, first_column as usize);
    sheet.stray = stray;
    sheet
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
                // A number only where it reads back as the same text (not
                // 1e3, not an integer past 2^53).
                let number = cell
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && x.to_string() == *cell);
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
    use calamine::{DataRef, Reader, Xlsx};
    let name = shown(path);
    let bytes = crate::scenario::read_path(path).map_err(|e| match e {
        crate::scenario::ScenarioError::Io { source, .. } => {
            failed(name.clone(), source.to_string())
        }
        other => failed(name.clone(), other.to_string()),
    })?;
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
        let shown_sheet = escape_unsafe(&sheet_name, false).into_owned();
        let sheet_failed =
            |e: calamine::XlsxError| failed(format!("{name}, sheet {shown_sheet}"), e.to_string());
        // Cell by cell, as stored: a sheet's grid is never laid out, so a
        // lone cell far down or to the right costs no more than another.
        let mut cells: Vec<((u32, u32), String)> = Vec::new();
        let mut reader = workbook
            .worksheet_cells_reader(&sheet_name)
            .map_err(sheet_failed)?;
        while let Some(cell) = reader.next_cell_with_formula().map_err(sheet_failed)? {
            let (r, c) = cell.pos;
            let at = || {
                format!(
                    "{name}, sheet {shown_sheet}, cell {}{}",
                    super::column_letter(c as usize),
                    r as usize + 1
                )
            };
            let problem = |message: &str, help: &str| TableError {
                at: at(),
                message: message.into(),
                help: Some(help.into()),
            };
            let text = match cell.value {
                DataRef::Empty if cell.formula.is_some() => {
                    errors.push(problem(
                        "a formula whose value the workbook does not hold",
                        "open the workbook in a spreadsheet and save it (so that each formula's value is stored), or type the value",
                    ));
                    continue;
                }
                DataRef::Empty => continue,
                DataRef::String(s) => s,
                DataRef::SharedString(s) => s.to_string(),
                DataRef::Float(x) => x.to_string(),
                DataRef::Int(n) => n.to_string(),
                DataRef::Bool(b) => b.to_string(),
                DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => {
                    errors.push(problem(
                        "the spreadsheet holds a date or a time here",
                        "format the cell as text and write a duration with its unit, e.g. 1.5h or 90m",
                    ));
                    continue;
                }
                DataRef::Error(err) => {
                    errors.push(problem(
                        &format!("the cell holds a spreadsheet error ({err:?})"),
                        "write a value in it",
                    ));
                    continue;
                }
            };
            cells.push(((r, c), text));
        }
        sheets.push(sheet_from_cells(sheet_name, cells));
    }
    if !errors.is_empty() {
        return Err(TableErrors(errors));
    }
    Ok(Book {
        sheets,
        source: Source::Xlsx(name),
    })
}
