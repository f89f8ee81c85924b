//! Import: tables into a commented, validated scenario.

use super::cells;
use super::export::get;
use super::{table, Book, Format, Loc, Rows, Table, TableError, TableErrors, TABLES};
use crate::scenario::{did_you_mean, load_str, Diagnostic, Loaded};
use serde_yaml_ng::{Mapping, Value};
use std::collections::HashMap;

/// A scenario imported from tables: its YAML text and the loaded scenario
/// (with its warnings, located at their cells).
#[derive(Debug)]
pub struct Imported {
    /// The scenario file's text, commented.
    pub yaml: String,
    /// The scenario, validated.
    pub loaded: Loaded,
    /// Warnings, each located at the cell it came from.
    pub warnings: Vec<TableError>,
}

/// The top-level keys of a scenario, in the order the file writes them.
const TOP: [&str; 10] = [
    "name",
    "description",
    "currency",
    "horizon",
    "sites",
    "teams",
    "components",
    "threats",
    "risk_tolerance",
    "options",
];

/// Reads the tables of `book` into a scenario, validates it, and places
/// every problem at its table, row and column. `origin` names the book in
/// the scenario's header comment.
pub fn import(book: &Book, origin: &str) -> Result<Imported, TableErrors> {
    // Tables larger than a scenario file can be cannot make one: refused
    // before anything is built from them.
    let bytes: usize = book
        .sheets
        .iter()
        .flat_map(|s| s.rows.iter().flat_map(|r| &r.cells))
        .map(String::len)
        .sum();
    if bytes as u64 > crate::scenario::MAX_FILE_BYTES {
        return Err(TableErrors(vec![TableError {
            at: book.locate_book(),
            message: format!(
                "the tables hold {} MB of text; drsim reads scenario files up to {} MB",
                bytes / (1024 * 1024),
                crate::scenario::MAX_FILE_BYTES / (1024 * 1024)
            ),
            help: Some("split the estate, or shorten the longest cells".into()),
        }]));
    }
    let mut b = Builder {
        book,
        errors: Vec::new(),
        root: Mapping::new(),
        paths: HashMap::new(),
        ids: HashMap::new(),
    };
    let sheets = b.sheets();
    // Lists first (children name their items), in the order of TABLES.
    for (table, sheet, columns) in &sheets {
        match table.rows {
            Rows::Top => b.top(table, *sheet, columns),
            Rows::List(list) => b.list(list, table, *sheet, columns),
            _ => {}
        }
    }
    for (table, sheet, columns) in &sheets {
        match table.rows {
            Rows::Child { parent, key } => b.child(parent, key, table, *sheet, columns),
            Rows::Part(parent) => b.part(parent, table, *sheet, columns),
            _ => {}
        }
    }
    b.hold_data(&sheets);
    if !b.errors.is_empty() {
        return Err(TableErrors(b.errors));
    }
    let yaml = render(&b.root, origin);
    if yaml.len() as u64 > crate::scenario::MAX_FILE_BYTES {
        return Err(TableErrors(vec![TableError {
            at: b.book.locate_book(),
            message: format!(
                "the scenario would be {} MB; drsim reads scenario files up to {} MB",
                yaml.len() / (1024 * 1024),
                crate::scenario::MAX_FILE_BYTES / (1024 * 1024)
            ),
            help: Some("split the estate, or shorten the longest cells".into()),
        }]));
    }
    match load_str(&yaml, origin) {
        Ok(loaded) => {
            let warnings = loaded.warnings.iter().map(|d| b.placed(d)).collect();
            Ok(Imported {
                yaml,
                loaded,
                warnings,
            })
        }
        Err(e) => Err(TableErrors(
            e.diagnostics().iter().map(|d| b.placed(d)).collect(),
        )),
    }
}

/// How many errors get a "did you mean" (each costs a pass over the ids).
const MAX_SUGGESTIONS: usize = 100;

/// The columns of a sheet: for each heading, its column in the table.
type Columns = Vec<Option<usize>>;

struct Builder<'a> {
    book: &'a Book,
    errors: Vec<TableError>,
    root: Mapping,
    /// Key path in the scenario -> the cell (or row) it came from.
    paths: HashMap<String, Loc>,
    /// (list, id) -> index of the first item with that id.
    ids: HashMap<(&'static str, String), usize>,
}

impl Builder<'_> {
    fn error(&mut self, loc: Loc, message: impl Into<String>, help: Option<String>) {
        self.errors.push(TableError {
            at: self.book.locate(loc),
            message: message.into(),
            help,
        });
    }

    /// The sheets that are tables, with their headings matched to columns;
    /// errors for unknown tables and headings and missing ones.
    fn sheets(&mut self) -> Vec<(&'static Table, usize, Columns)> {
        let mut found = Vec::new();
        let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        for (i, sheet) in self.book.sheets.iter().enumerate() {
            let at = Loc {
                sheet: i,
                row: None,
                column: None,
            };
            let Some(table) = table(&sheet.name) else {
                let help = did_you_mean(&sheet.name, names.iter().copied())
                    .unwrap_or_else(|| format!("the tables are {}", names.join(", ")));
                self.error(at, "not a table drsim knows", Some(help));
                continue;
            };
            // Which columns have a cell anywhere (one pass over the rows).
            let mut filled = vec![false; sheet.header.len()];
            let mut beyond = false;
            for r in &sheet.rows {
                for (c, x) in r.cells.iter().enumerate() {
                    if x.trim().is_empty() {
                        continue;
                    }
                    match filled.get_mut(c) {
                        Some(f) => *f = true,
                        None if !beyond => {
                            beyond = true;
                            self.error(
                                Loc {
                                    sheet: i,
                                    row: Some(r.number),
                                    column: None,
                                },
                                format!(
                                    "a cell right of the last heading (column {})",
                                    super::column_letter(sheet.first_column + c)
                                ),
                                Some("give its column a heading, or clear the cell".into()),
                            );
                        }
                        None => {}
                    }
                }
            }
            if let (false, Some(&(row, column))) = (beyond, sheet.stray.first()) {
                self.error(
                    Loc {
                        sheet: i,
                        row: Some(row),
                        column: None,
                    },
                    format!(
                        "a cell right of the last heading (column {})",
                        super::column_letter(column)
                    ),
                    Some("give its column a heading, or clear the cell".into()),
                );
            }
            let mut columns = Vec::new();
            for (c, heading) in sheet.header.iter().enumerate() {
                let at = Loc {
                    sheet: i,
                    row: Some(sheet.header_row),
                    column: Some(c),
                };
                let heading = heading.trim();
                let known: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
                if heading.is_empty() {
                    if filled[c] {
                        self.error(
                            at,
                            "this column has cells but no heading",
                            Some(format!("give it a heading: {}", known.join(", "))),
                        );
                    }
                    columns.push(None);
                    continue;
                }
                match table.columns.iter().position(|k| k.name == heading) {
                    Some(k) if columns.contains(&Some(k)) => {
                        self.error(
                            at,
                            format!("a second column `{heading}`"),
                            Some("keep one of them".into()),
                        );
                        columns.push(None);
                    }
                    Some(k) => columns.push(Some(k)),
                    None => {
                        let help =
                            did_you_mean(heading, known.iter().copied()).unwrap_or_else(|| {
                                format!("the columns of {} are {}", table.name, known.join(", "))
                            });
                        self.error(
                            at,
                            format!(
                                "unknown column `{}`",
                                crate::scenario::escape_unsafe(heading, false)
                            ),
                            Some(help),
                        );
                        columns.push(None);
                    }
                }
            }
            // The column that names a row's item, or its parent.
            let key_column = match table.rows {
                Rows::Child { .. } | Rows::Part(_) => Some(0),
                _ => table.columns.iter().position(|c| c.name == "id"),
            };
            if let Some(k) = key_column {
                if !columns.contains(&Some(k)) {
                    let name = table.columns[k].name;
                    self.error(
                        at,
                        format!("no column `{name}`"),
                        Some(format!(
                            "add a column `{name}`: it names each row's {}",
                            if k == 0 && table.columns[0].name != "id" {
                                "owner"
                            } else {
                                "item"
                            }
                        )),
                    );
                    continue;
                }
            }
            if found
                .iter()
                .any(|(t, _, _): &(&Table, usize, Columns)| t.name == table.name)
            {
                self.error(at, "a second table of this name", Some("keep one".into()));
                continue;
            }
            found.push((table, i, columns));
        }
        for t in TABLES.iter().filter(|t| t.required()) {
            if !found.iter().any(|(f, _, _)| f.name == t.name) {
                self.errors.push(TableError {
                    at: self.book.locate_book(),
                    message: format!("no table `{}`", t.name),
                    help: Some(format!("every scenario needs {}: {}", t.name, t.about)),
                });
            }
        }
        // In the order of TABLES, whatever the order of the sheets.
        found.sort_by_key(|(t, _, _)| TABLES.iter().position(|x| x.name == t.name));
        found
    }

    /// A row's cells from `first` on, read into `item` (keys dotted), with
    /// their key paths under `path` recorded.
    fn fill(
        &mut self,
        item: &mut Mapping,
        path: &str,
        table: &Table,
        (sheet, row): (usize, usize),
        cells: &[Option<(usize, &str)>],
        first: usize,
    ) {
        for (k, cell) in cells.iter().enumerate().skip(first) {
            let Some((c, text)) = cell else { continue };
            let column = table.columns[k];
            let loc = Loc {
                sheet,
                row: Some(row),
                column: Some(*c),
            };
            match cells::read(text, column.format) {
                Ok(Some(v)) => {
                    if column.format == Format::Presence {
                        if v.as_bool() == Some(true) && get_mut(item, column.key).is_none() {
                            set(item, column.key, Value::Mapping(Mapping::new()));
                        }
                    } else {
                        set(item, column.key, v);
                    }
                    self.paths.insert(format!("{path}.{}", column.key), loc);
                }
                Ok(None) => {}
                Err((message, help)) => self.error(loc, message, Some(help)),
            }
        }
    }

    fn top(&mut self, table: &Table, sheet: usize, columns: &Columns) {
        let rows = rows(self.book, sheet, columns, table.columns.len());
        let at = Loc {
            sheet,
            row: None,
            column: None,
        };
        match rows.as_slice() {
            [] => self.error(at, "no row", Some("write the scenario's name (and, if you like, description, currency and horizon) in the row below the headings".into())),
            [(number, cells)] => {
                let mut root = std::mem::take(&mut self.root);
                self.paths.insert(String::new(), Loc { sheet, row: Some(*number), column: None });
                for (k, cell) in cells.iter().enumerate() {
                    let Some((c, text)) = cell else { continue };
                    let key = table.columns[k].key;
                    let loc = Loc { sheet, row: Some(*number), column: Some(*c) };
                    match cells::read(text, table.columns[k].format) {
                        Ok(Some(v)) => {
                            root.insert(key.into(), v);
                            self.paths.insert(key.to_string(), loc);
                        }
                        Ok(None) => {}
                        Err((m, h)) => self.error(loc, m, Some(h)),
                    }
                }
                self.root = root;
            }
            [_, (second, _), ..] => self.error(Loc { sheet, row: Some(*second), column: None }, "a second row: the scenario table has one", Some("keep one row".into())),
        }
    }

    fn list(&mut self, list: &'static str, table: &Table, sheet: usize, columns: &Columns) {
        let rows = rows(self.book, sheet, columns, table.columns.len());
        let mut items = Vec::new();
        for (i, (number, cells)) in rows.iter().enumerate() {
            let path = format!("{list}[{i}]");
            self.paths.insert(
                path.clone(),
                Loc {
                    sheet,
                    row: Some(*number),
                    column: None,
                },
            );
            let mut item = Mapping::new();
            self.fill(&mut item, &path, table, (sheet, *number), cells, 0);
            if let Some(id) = item.get("id").map(|v| cells::write(v, Format::Text)) {
                self.ids.entry((list, id)).or_insert(i);
            }
            items.push(Value::Mapping(item));
        }
        if !items.is_empty() {
            self.root.insert(list.into(), Value::Sequence(items));
        }
    }

    /// The index of the `parent` item a row names in its first cell; an
    /// error at that cell when there is none.
    fn owner(
        &mut self,
        parent: &'static str,
        table: &Table,
        sheet: usize,
        number: usize,
        cell: Option<(usize, &str)>,
    ) -> Option<usize> {
        let name = table.columns[0].name;
        let Some((c, id)) = cell else {
            let k = self.book.sheets[sheet]
                .header
                .iter()
                .position(|h| h.trim() == name);
            self.error(
                Loc {
                    sheet,
                    row: Some(number),
                    column: k,
                },
                format!("no {name} given"),
                Some(format!("name the {name} this row belongs to")),
            );
            return None;
        };
        let id = id.trim().to_string();
        if let Some(&i) = self.ids.get(&(parent, id.clone())) {
            return Some(i);
        }
        // Suggestions cost a pass over the ids each: only for the first
        // errors, so that a table of wrong ids stays quick.
        let known: Vec<&str> = if self.errors.len() < MAX_SUGGESTIONS {
            self.ids
                .keys()
                .filter(|(l, _)| *l == parent)
                .map(|(_, id)| id.as_str())
                .collect()
        } else {
            Vec::new()
        };
        let help = did_you_mean(&id, known.iter().copied())
            .unwrap_or_else(|| format!("add it to the {parent} table, or correct the id"));
        self.error(
            Loc {
                sheet,
                row: Some(number),
                column: Some(c),
            },
            format!(
                "unknown {name} `{}`: no row of the {parent} table has this id",
                crate::scenario::escape_unsafe(&id, false)
            ),
            Some(help),
        );
        None
    }

    fn child(
        &mut self,
        parent: &'static str,
        key: &'static str,
        table: &Table,
        sheet: usize,
        columns: &Columns,
    ) {
        let rows = rows(self.book, sheet, columns, table.columns.len());
        // Per parent item: its owned values with their row and cells.
        let mut owned: Vec<Vec<Owned>> = Vec::new();
        for (number, cells) in &rows {
            let Some(p) = self.owner(parent, table, sheet, *number, cells[0]) else {
                continue;
            };
            let loc = |c: usize| Loc {
                sheet,
                row: Some(*number),
                column: Some(c),
            };
            let mut subpaths = Vec::new();
            let value = if table.columns[1].format == Format::Requirement {
                match cells[1] {
                    None => {
                        let k = self.book.sheets[sheet]
                            .header
                            .iter()
                            .position(|h| h.trim() == "requires");
                        self.error(
                            Loc {
                                sheet,
                                row: Some(*number),
                                column: k,
                            },
                            "no requirement given",
                            Some(format!("write {}", Format::Requirement.describe())),
                        );
                        continue;
                    }
                    Some((c, text)) => match cells::read(text, Format::Requirement) {
                        Ok(Some(v)) => {
                            // The whole item is this cell.
                            subpaths.push((String::new(), loc(c)));
                            v
                        }
                        Ok(None) => continue,
                        Err((m, h)) => {
                            self.error(loc(c), m, Some(h));
                            continue;
                        }
                    },
                }
            } else if table.columns[1].format == Format::Change {
                let (Some((cc, change)), value) = (cells[1], cells[2]) else {
                    let k = self.book.sheets[sheet]
                        .header
                        .iter()
                        .position(|h| h.trim() == "change");
                    self.error(
                        Loc {
                            sheet,
                            row: Some(*number),
                            column: k,
                        },
                        "no change given",
                        Some(format!("write {}", Format::Change.describe())),
                    );
                    continue;
                };
                let change = match cells::read(change, Format::Change) {
                    Ok(Some(Value::String(s))) => s,
                    Ok(_) => continue,
                    Err((m, h)) => {
                        self.error(loc(cc), m, Some(h));
                        continue;
                    }
                };
                let vc = self.book.sheets[sheet]
                    .header
                    .iter()
                    .position(|h| h.trim() == "value");
                let v = match cells::read_change(&change, value.map(|v| v.1).unwrap_or("")) {
                    Ok(v) => v,
                    Err((m, h)) => {
                        self.error(
                            Loc {
                                sheet,
                                row: Some(*number),
                                column: value.map(|v| v.0).or(vc),
                            },
                            m,
                            Some(h),
                        );
                        continue;
                    }
                };
                if let Some((c, _)) = value {
                    subpaths.push((format!(".{change}"), loc(c)));
                }
                let mut m = Mapping::new();
                m.insert(change.into(), v);
                Value::Mapping(m)
            } else {
                let mut item = Mapping::new();
                let before = self.errors.len();
                // Paths are recorded below, once the item's index is known.
                let mut scratch = std::mem::take(&mut self.paths);
                self.fill(&mut item, "", table, (sheet, *number), cells, 1);
                std::mem::swap(&mut scratch, &mut self.paths);
                subpaths.extend(scratch);
                if self.errors.len() > before {
                    continue;
                }
                Value::Mapping(item)
            };
            if owned.len() <= p {
                owned.resize_with(p + 1, Vec::new);
            }
            owned[p].push((value, *number, subpaths));
        }
        for (p, values) in owned.into_iter().enumerate() {
            if values.is_empty() {
                continue;
            }
            // A threat's single selector is written as one mapping; with a
            // chance of its own it is a hit group of one (a list).
            let single = key == "hits" && values.len() == 1 && values[0].0.get("chance").is_none();
            let base = format!("{parent}[{p}].{key}");
            let mut list = Vec::new();
            for (j, (value, number, subpaths)) in values.into_iter().enumerate() {
                let mut bases = vec![format!("{base}[{j}]")];
                if single {
                    bases.push(base.clone());
                }
                for b in &bases {
                    self.paths.insert(
                        b.clone(),
                        Loc {
                            sheet,
                            row: Some(number),
                            column: None,
                        },
                    );
                    for (sub, loc) in &subpaths {
                        self.paths.insert(format!("{b}{sub}"), *loc);
                    }
                }
                list.push(value);
            }
            let Some(Value::Mapping(item)) = self.item_mut(parent, p) else {
                continue;
            };
            let value = if single {
                list.pop().expect("one")
            } else {
                Value::Sequence(list)
            };
            match get_mut(item, key) {
                Some(Value::Sequence(existing)) => existing.extend(match value {
                    Value::Sequence(v) => v,
                    v => vec![v],
                }),
                _ => set(item, key, value),
            }
        }
    }

    fn part(&mut self, parent: &'static str, table: &Table, sheet: usize, columns: &Columns) {
        let rows = rows(self.book, sheet, columns, table.columns.len());
        let mut seen: HashMap<usize, usize> = HashMap::new();
        for (number, cells) in &rows {
            let Some(p) = self.owner(parent, table, sheet, *number, cells[0]) else {
                continue;
            };
            if let Some(first) = seen.insert(p, *number) {
                let c = cells[0].map(|c| c.0);
                self.error(
                    Loc {
                        sheet,
                        row: Some(*number),
                        column: c,
                    },
                    format!("a second row for this {}", table.columns[0].name),
                    Some(format!("merge it into row {first}")),
                );
                continue;
            }
            let Some(Value::Mapping(mut item)) = self.item_mut(parent, p).map(std::mem::take)
            else {
                continue;
            };
            self.fill(
                &mut item,
                &format!("{parent}[{p}]"),
                table,
                (sheet, *number),
                cells,
                1,
            );
            if let Some(slot) = self.item_mut(parent, p) {
                *slot = Value::Mapping(item);
            }
        }
    }

    /// A component marked as holding no data must have no backups.
    fn hold_data(&mut self, sheets: &[(&'static Table, usize, Columns)]) {
        let Some((table, sheet, columns)) = sheets.iter().find(|(t, _, _)| t.name == "components")
        else {
            return;
        };
        let Some(k) = table
            .columns
            .iter()
            .position(|c| c.format == Format::Presence)
        else {
            return;
        };
        let rows = rows(self.book, *sheet, columns, table.columns.len());
        for (i, (number, cells)) in rows.iter().enumerate() {
            let Some((c, text)) = cells[k] else { continue };
            let says_no = matches!(
                cells::read(text, Format::Presence),
                Ok(Some(Value::Bool(false)))
            );
            let has = self
                .root
                .get("components")
                .and_then(|l| l.get(i))
                .and_then(|item| get(item, "data.backups"))
                .is_some();
            if says_no && has {
                self.error(
                    Loc {
                        sheet: *sheet,
                        row: Some(*number),
                        column: Some(c),
                    },
                    "holds_data is false, but the backups table gives this component backups",
                    Some(
                        "set holds_data to true (or leave it empty), or remove its backups".into(),
                    ),
                );
            }
        }
    }

    fn item_mut(&mut self, list: &str, i: usize) -> Option<&mut Value> {
        self.root.get_mut(list)?.as_sequence_mut()?.get_mut(i)
    }

    /// A diagnostic of the imported scenario, placed at the cell its key
    /// path came from (or the nearest enclosing row).
    fn placed(&self, d: &Diagnostic) -> TableError {
        let mut path = d.path.as_str();
        let at = loop {
            if let Some(loc) = self.paths.get(path) {
                break Some(*loc);
            }
            if path.is_empty() {
                break None;
            }
            path = match path.rfind(['.', '[']) {
                Some(i) => &path[..i],
                None => "",
            };
        };
        let at = match at {
            Some(loc) => self.book.locate(loc),
            None => "the tables".to_string(),
        };
        TableError {
            at,
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

/// A value a child row gives its parent item: the value, the row's
/// number, and the key paths under it with their cells.
type Owned = (Value, usize, Vec<(String, Loc)>);

/// A sheet's rows: number, and per table column the heading's index and the cell.
type Rowed<'b> = Vec<(usize, Vec<Option<(usize, &'b str)>>)>;

/// The non-empty rows of a sheet, each with its cells per table column
/// (`None`: no such column or an empty cell).
fn rows<'b>(book: &'b Book, sheet: usize, columns: &Columns, width: usize) -> Rowed<'b> {
    let s = &book.sheets[sheet];
    s.rows
        .iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
        .map(|r| {
            let mut cells = vec![None; width];
            for (c, k) in columns.iter().enumerate() {
                if let (Some(k), Some(text)) = (k, r.cells.get(c)) {
                    if !text.trim().is_empty() {
                        cells[*k] = Some((c, text.as_str()));
                    }
                }
            }
            (r.number, cells)
        })
        .collect()
}

/// The value at a dotted key path, for changing it.
fn get_mut<'a>(item: &'a mut Mapping, key: &str) -> Option<&'a mut Value> {
    let mut parts = key.split('.');
    let mut v = item.get_mut(parts.next()?)?;
    for k in parts {
        v = v.get_mut(k)?;
    }
    Some(v)
}

/// Sets the value at a dotted key path, making the mappings on the way.
fn set(item: &mut Mapping, key: &str, value: Value) {
    match key.split_once('.') {
        None => {
            item.insert(key.into(), value);
        }
        Some((head, rest)) => {
            let slot = item
                .entry(head.into())
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if !slot.is_mapping() {
                *slot = Value::Mapping(Mapping::new());
            }
            if let Value::Mapping(m) = slot {
                set(m, rest, value);
            }
        }
    }
}

// ------------------------------------------------------------- the file

/// The widest line the file writes on one line before breaking an item up.
const WIDTH: usize = 100;

/// The scenario as a commented YAML file: the top-level keys in their
/// usual order, each list headed by what its table holds.
fn render(root: &Mapping, origin: &str) -> String {
    let mut out = String::new();
    out += &format!(
        "# Imported by `drsim import` from {}.\n# Check it with `drsim check`; the format is described in the README.\n",
crate::scenario::comment_text(origin)
    );
    for key in TOP {
        let Some(value) = root.get(key) else { continue };
        if let Some(t) = TABLES.iter().find(|t| t.rows == Rows::List(key)) {
            out += &format!(
                "\n# {key}: one per row of the table `{}`; each is {}.\n",
                t.name, t.about
            );
        }
        entry(&mut out, key, value, 0);
    }
    out
}

fn entry(out: &mut String, key: &str, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    let key = cells::scalar(key);
    let flow = cells::flow(value);
    let nested = matches!(value, Value::Sequence(s) if !s.is_empty())
        || matches!(value, Value::Mapping(m) if !m.is_empty());
    if !nested || (pad.len() + key.len() + 2 + flow.len() <= WIDTH && !has_list_of_maps(value)) {
        *out += &format!("{pad}{key}: {flow}\n");
        return;
    }
    *out += &format!("{pad}{key}:\n");
    match value {
        Value::Sequence(items) => {
            for item in items {
                let flow = cells::flow(item);
                match item {
                    Value::Mapping(m) if pad.len() + 4 + flow.len() > WIDTH && !m.is_empty() => {
                        let mut first = true;
                        for (k, v) in m {
                            let mut sub = String::new();
                            entry(&mut sub, k.as_str().unwrap_or_default(), v, indent + 4);
                            if first {
                                // `- key: value` on the dash's line.
                                *out += &format!("{pad}  - {}", &sub[indent + 4..]);
                                first = false;
                            } else {
                                *out += &sub;
                            }
                        }
                    }
                    _ => *out += &format!("{pad}  - {flow}\n"),
                }
            }
        }
        Value::Mapping(m) => {
            for (k, v) in m {
                entry(out, k.as_str().unwrap_or_default(), v, indent + 2);
            }
        }
        _ => unreachable!("nested values are lists and mappings"),
    }
}

/// A list of mappings reads best one item per line, however short.
fn has_list_of_maps(value: &Value) -> bool {
    matches!(value, Value::Sequence(s) if s.len() > 1 && s.iter().all(Value::is_mapping))
}
