//! A scenario as tables a person fills in: one CSV file or workbook sheet
//! per kind of thing, one row per thing (`drsim export` and `drsim
//! import`).
//!
//! The tables and their columns are declared once, in [`TABLES`]; export,
//! import, the templates and the documentation all follow that list. A
//! table's rows are the items of one list of the scenario (sites, teams,
//! components, threats, ...), or of a list inside each item of another
//! (a component's backups, a threat's hits), which a first column names by
//! id. Each column is one key of the row's item, written in the cell as the
//! YAML would write it (`4h`, `{lognormal: [2h, 8h]}`, `20000`, `true`);
//! plain text columns hold text, list columns hold words. A component's
//! requirements have their own short syntax (see [`cells`]).
//!
//! Export reads the validated file's YAML tree, so what is exported is what
//! was written; import builds the tree back, writes it as a commented
//! scenario and validates it like any other, placing each error at the
//! table, row and column it came from.

mod cells;
mod export;
mod files;
mod import;

pub use cells::flow;
pub use export::export;
pub(crate) use files::csv_rows;
pub use files::{read_csv_dir, read_xlsx, write_csv_dir, write_xlsx};
pub use import::{import, Imported};

use std::fmt;

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text as it is (an id, a name).
    Text,
    /// Words separated by spaces or commas (tags, ids), or a YAML list
    /// `[...]` for items with spaces in them.
    Words,
    /// Component kinds, as words.
    Kinds,
    /// A duration with a unit: `4h`.
    Duration,
    /// A distribution of durations: `4h`, `{exp: 4h}`,
    /// `{lognormal: [2h, 8h]}` (spec section 2).
    Dist,
    /// A number (money, a probability, a rate).
    Number,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Bool,
    /// A component kind: `database`.
    Kind,
    /// A threat's or failure's effect: `disrupt`, `damage`, `destroy`.
    Effect,
    /// `true` when the row's item has this key at all (a component that
    /// holds data, with or without backups).
    Presence,
    /// A requirement in the short syntax: `db`, `2 of app-1 app-2 app-3`,
    /// `failover db-a db-b after 15m lag 1m`.
    Requirement,
    /// The kind of an option's change: `add`, `add_teams`, `add_threats`,
    /// `add_sites`, `set`, `remove`.
    Change,
    /// What follows the change's key in the YAML, on one line (`set`:
    /// `{id: dba, size: 3}`; `remove`: ids as words).
    ChangeValue,
}

impl Format {
    /// What a cell of this format holds, for the documentation and errors.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Words => "words separated by spaces or commas",
            Format::Kinds => "component kinds separated by spaces",
            Format::Duration => "a duration with a unit, e.g. 4h",
            Format::Dist => "a duration (4h) or a distribution ({lognormal: [2h, 8h]}, {exp: 4h}, {uniform: [1h, 3h]}, {triangular: [1h, 2h, 6h]}, {weibull: {shape: 1.5, scale: 1000h}})",
            Format::Number => "a number",
            Format::Integer => "a whole number",
            Format::Bool => "true or false",
            Format::Kind => "service, application, database, server, storage, network, power, site, supplier, people or other",
            Format::Effect => "disrupt, damage or destroy",
            Format::Presence => "true or false",
            Format::Requirement => "an id (db), `2 of app-1 app-2 app-3`, or `failover db-a db-b after 15m lag 1m`",
            Format::Change => "add, add_teams, add_threats, add_sites, set or remove",
            Format::ChangeValue => "what follows the change in the YAML, e.g. {id: dba, size: 3} for set, ids for remove",
        }
    }
}

/// One column: its heading, the key of the row's item it holds (dotted
/// for a nested key, `impact.per_hour`; empty for the column that names
/// the parent item, or for a cell that is the whole item) and its format.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The heading, as the first row of the table writes it.
    pub name: &'static str,
    /// The key in the row's item.
    pub key: &'static str,
    /// How the cells are written.
    pub format: Format,
}

const fn col(name: &'static str, key: &'static str, format: Format) -> Column {
    Column { name, key, format }
}

/// Where a table's rows live in the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// One row: the top level of the file.
    Top,
    /// The items of a top-level list (`sites`, `components`, ...).
    List(&'static str),
    /// The items of a list inside each item of a top-level list: the
    /// `parent` list's item named by the first column, its list at `key`
    /// (dotted).
    Child {
        /// The top-level list of the items that own the rows.
        parent: &'static str,
        /// The key of the owned list in the parent item.
        key: &'static str,
    },
    /// More keys of the items of a top-level list, named by the first
    /// column: at most one row per item (a service's targets and impacts).
    Part(&'static str),
}

/// A table: its name (the CSV file's stem, the sheet's name), where its
/// rows live, its columns and a sentence on what a row is.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// `components`: the file `components.csv`, the sheet `components`.
    pub name: &'static str,
    /// Where the rows live.
    pub rows: Rows,
    /// The columns; for child and part tables the first names the parent.
    pub columns: &'static [Column],
    /// What one row is.
    pub about: &'static str,
}

impl Table {
    /// Whether the table must be there (every scenario has a name and
    /// components).
    pub fn required(&self) -> bool {
        matches!(self.name, "scenario" | "components")
    }
}

use Format as F;

/// Every table, in the order of the workbook's sheets.
pub const TABLES: &[Table] = &[
    Table {
        name: "scenario",
        rows: Rows::Top,
        about: "the scenario itself: one row",
        columns: &[
            col("name", "name", F::Text),
            col("description", "description", F::Text),
            col("currency", "currency", F::Text),
            col("horizon", "horizon", F::Duration),
        ],
    },
    Table {
        name: "sites",
        rows: Rows::List("sites"),
        about: "a place components stand at, such as a data centre",
        columns: &[
            col("id", "id", F::Text),
            col("name", "name", F::Text),
            col("region", "region", F::Text),
        ],
    },
    Table {
        name: "teams",
        rows: Rows::List("teams"),
        about: "a repair team: at most `size` repairs at once",
        columns: &[
            col("id", "id", F::Text),
            col("name", "name", F::Text),
            col("size", "size", F::Integer),
        ],
    },
    Table {
        name: "components",
        rows: Rows::List("components"),
        about: "a component of the estate: a business service, an application, a database, a server, ...",
        columns: &[
            col("id", "id", F::Text),
            col("name", "name", F::Text),
            col("kind", "kind", F::Kind),
            col("site", "site", F::Text),
            col("tags", "tags", F::Words),
            col("repair", "repair", F::Dist),
            col("rebuild", "rebuild", F::Dist),
            col("detect", "detect", F::Dist),
            col("team", "team", F::Text),
            col("priority", "priority", F::Integer),
            col("holds_data", "data", F::Presence),
        ],
    },
    Table {
        name: "dependencies",
        rows: Rows::Child {
            parent: "components",
            key: "depends_on",
        },
        about: "one requirement of a component: all of a component's requirements must hold for it to be available",
        columns: &[
            col("component", "", F::Text),
            col("requires", "", F::Requirement),
        ],
    },
    Table {
        name: "failures",
        rows: Rows::Child {
            parent: "components",
            key: "failures",
        },
        about: "an independent failure mode of a component",
        columns: &[
            col("component", "", F::Text),
            col("every", "every", F::Duration),
            col("after", "after", F::Dist),
            col("effect", "effect", F::Effect),
            col("repair", "repair", F::Dist),
        ],
    },
    Table {
        name: "backups",
        rows: Rows::Child {
            parent: "components",
            key: "data.backups",
        },
        about: "a backup tier of a component's data",
        columns: &[
            col("component", "", F::Text),
            col("every", "every", F::Duration),
            col("restore", "restore", F::Dist),
            col("immutable", "immutable", F::Bool),
            col("offsite", "offsite", F::Bool),
            col("keep", "keep", F::Duration),
            col("restore_fails", "restore_fails", F::Number),
        ],
    },
    Table {
        name: "services",
        rows: Rows::Part("components"),
        about: "a service's recovery targets and what its outage costs (money in the scenario's currency)",
        columns: &[
            col("service", "", F::Text),
            col("rto", "rto", F::Duration),
            col("rpo", "rpo", F::Duration),
            col("mtpd", "mtpd", F::Duration),
            col("wrt", "wrt", F::Dist),
            col("per_hour", "impact.per_hour", F::Number),
            col("per_hour_data_lost", "impact.per_hour_data_lost", F::Number),
            col("per_incident", "impact.per_incident", F::Number),
            col("per_total_data_loss", "impact.per_total_data_loss", F::Number),
        ],
    },
    Table {
        name: "impact_steps",
        rows: Rows::Child {
            parent: "components",
            key: "impact.over_time",
        },
        about: "a step in what a service's outage costs as it goes on: from `after` into the outage, a new rate per hour and/or a one-off sum",
        columns: &[
            col("service", "", F::Text),
            col("after", "after", F::Duration),
            col("per_hour", "per_hour", F::Number),
            col("once", "once", F::Number),
        ],
    },
    Table {
        name: "threats",
        rows: Rows::List("threats"),
        about: "a threat: an event that hits several components at once (fire, outage, ransomware)",
        columns: &[
            col("id", "id", F::Text),
            col("name", "name", F::Text),
            col("every", "every", F::Duration),
            col("per_year", "per_year", F::Number),
            col("effect", "effect", F::Effect),
            col("chance", "chance", F::Number),
            col("duration", "duration", F::Dist),
            col("rebuild", "rebuild", F::Dist),
            col("repair", "repair", F::Dist),
            col("reaches_backups", "reaches_backups", F::Bool),
            col("dwell", "dwell", F::Dist),
        ],
    },
    Table {
        name: "hits",
        rows: Rows::Child {
            parent: "threats",
            key: "hits",
        },
        about: "what a threat hits: the components at these sites, of these kinds, with these tags, or named; several rows make a hit group, each with its own chance",
        columns: &[
            col("threat", "", F::Text),
            col("sites", "sites", F::Words),
            col("kinds", "kinds", F::Kinds),
            col("tags", "tags", F::Words),
            col("components", "components", F::Words),
            col("chance", "chance", F::Number),
        ],
    },
    Table {
        name: "risk_tolerance",
        rows: Rows::List("risk_tolerance"),
        about: "the board's appetite: the chance of an annual loss above `loss` should stay below `p`",
        columns: &[col("loss", "loss", F::Number), col("p", "p", F::Number)],
    },
    Table {
        name: "options",
        rows: Rows::List("options"),
        about: "an investment option for `drsim compare`: what it costs (its changes are in option_changes)",
        columns: &[
            col("id", "id", F::Text),
            col("name", "name", F::Text),
            col("upfront", "cost.upfront", F::Number),
            col("per_year", "cost.per_year", F::Number),
            col("lifetime", "lifetime", F::Duration),
        ],
    },
    Table {
        name: "option_changes",
        rows: Rows::Child {
            parent: "options",
            key: "changes",
        },
        about: "one change an option makes to the scenario, in order",
        columns: &[
            col("option", "", F::Text),
            col("change", "", F::Change),
            col("value", "", F::ChangeValue),
        ],
    },
];

/// The table named `name`.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// A scenario's tables as cells of text: what export makes and import
/// reads, whether from CSV files or a workbook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Book {
    /// The sheets found, in order.
    pub sheets: Vec<Sheet>,
    /// Where the book was read from: each cell's location is named in
    /// those terms.
    pub source: Source,
}

/// Where a book comes from, for messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Source {
    /// Made in memory.
    #[default]
    Memory,
    /// A directory of CSV files.
    Csv(String),
    /// A workbook.
    Xlsx(String),
}

/// One table's cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The table's name (the file's stem, the sheet's name).
    pub name: String,
    /// The column headings, as written.
    pub header: Vec<String>,
    /// The rows below the headings.
    pub rows: Vec<Row>,
    /// The row number of the headings, as the file or sheet counts (1 for
    /// a CSV file; a sheet may start lower).
    pub header_row: usize,
    /// The column number (0-based) of the first heading.
    pub first_column: usize,
    /// Cells right of the last heading that a workbook holds (row number,
    /// column number from 0), kept apart so that a cell far to the right
    /// costs no row as wide.
    pub stray: Vec<(usize, usize)>,
}

/// One row of cells, with its number as the file or sheet shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based, as a spreadsheet numbers rows (the headings are row 1 of a
    /// CSV file).
    pub number: usize,
    /// The cells, in the order of the headings (missing ones empty).
    pub cells: Vec<String>,
}

/// Where a cell is: the sheet, and the row and column (0-based index into
/// the headings) when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    /// Index into [`Book::sheets`].
    pub sheet: usize,
    /// The row's number, as shown.
    pub row: Option<usize>,
    /// Index of the column among the headings.
    pub column: Option<usize>,
}

impl Book {
    /// The book as a whole in words: its directory or workbook.
    pub fn locate_book(&self) -> String {
        match &self.source {
            Source::Csv(dir) => dir.clone(),
            Source::Xlsx(file) => file.clone(),
            Source::Memory => "the tables".into(),
        }
    }

    /// A cell's location in words: `components.csv, row 5, column repair`
    /// or `book.xlsx, sheet components, cell F5 (repair)`.
    pub fn locate(&self, loc: Loc) -> String {
        let sheet = &self.sheets[loc.sheet];
        // A column without a heading is named by its letter.
        let letter;
        let heading = match loc.column.and_then(|c| sheet.header.get(c)) {
            Some(h) if h.trim().is_empty() => {
                letter = format!(
                    "{} (no heading)",
                    column_letter(sheet.first_column + loc.column.unwrap_or(0))
                );
                Some(&letter)
            }
            h => h,
        };
        let mut s = match &self.source {
            Source::Memory => format!("table {}", sheet.name),
            Source::Csv(dir) => format!(
                "{}",
                std::path::Path::new(dir)
                    .join(format!("{}.csv", sheet.name))
                    .display()
            ),
            Source::Xlsx(file) => format!("{file}, sheet {}", sheet.name),
        };
        let xlsx = matches!(self.source, Source::Xlsx(_));
        match (loc.row, loc.column) {
            (Some(row), Some(c)) if xlsx => {
                let letter = column_letter(sheet.first_column + c);
                s += &format!(", cell {letter}{row}");
                if let Some(h) = heading {
                    s += &format!(" ({})", crate::scenario::escape_unsafe(h, false));
                }
            }
            (Some(row), _) => {
                s += &format!(", row {row}");
                if let Some(h) = heading {
                    s += &format!(", column {}", crate::scenario::escape_unsafe(h, false));
                }
            }
            (None, Some(_)) => {
                if let Some(h) = heading {
                    s += &format!(", column {}", crate::scenario::escape_unsafe(h, false));
                }
            }
            (None, None) => {}
        }
        s
    }
}

/// A spreadsheet's letters for column `index` (0-based): A, ..., Z, AA, ...
pub fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// A problem in a book of tables, located at its cell.
#[derive(Debug, Clone, PartialEq)]
pub struct TableError {
    /// Where: `components.csv, row 5, column repair`.
    pub at: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}: {}", self.at, self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// Every problem found in a book (all at once, as `check` reports a file).
#[derive(Debug, Clone, PartialEq)]
pub struct TableErrors(pub Vec<TableError>);

impl fmt::Display for TableErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        let n = self.0.len();
        write!(f, "\n{n} error{}", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for TableErrors {}

#[cfg(test)]
mod tests;
