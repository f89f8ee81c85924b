//! CSV: the one writer every CSV output goes through (RFC 4180 quoting by
//! the `csv` crate; text that a spreadsheet would run as a formula
//! defused), and the drill or run table, one row per service.

use super::format::no_negative_zero;
use super::{loss_cause_key, ModeDetail};
use crate::sim::{LossCause, Results};
use crate::stats::{Proportion, QuantileCi, Summary};

/// One cell: text is quoted where it must be; a number is written as Rust
/// prints it (shortest form that reads back the same; zero as `0`, never
/// `-0`); `Empty` is a value
/// that does not apply.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// Text from the scenario or about it (ids, names, labels): quoted
    /// where needed, and defused when a spreadsheet would take it for a
    /// formula.
    Text(&'a str),
    /// A measured or given number.
    Num(f64),
    /// A whole number (a rank, a count of trials).
    Count(u64),
    /// A value that does not apply to this row.
    Empty,
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Self {
        Cell::Text(s)
    }
}

impl<'a> From<&'a String> for Cell<'a> {
    fn from(s: &'a String) -> Self {
        Cell::Text(s)
    }
}

impl From<f64> for Cell<'_> {
    fn from(x: f64) -> Self {
        Cell::Num(x)
    }
}

impl From<bool> for Cell<'_> {
    fn from(b: bool) -> Self {
        Cell::Text(if b { "true" } else { "false" })
    }
}

impl From<u64> for Cell<'_> {
    fn from(n: u64) -> Self {
        Cell::Count(n)
    }
}

impl From<usize> for Cell<'_> {
    fn from(n: usize) -> Self {
        Cell::Count(n as u64)
    }
}

impl From<Option<f64>> for Cell<'_> {
    fn from(x: Option<f64>) -> Self {
        x.map_or(Cell::Empty, Cell::Num)
    }
}

/// A CSV document: a header, then rows of the same width.
pub struct Table {
    out: csv::Writer<Vec<u8>>,
}

impl Table {
    /// A table with these column names.
    pub fn new<'h>(header: impl IntoIterator<Item = &'h str>) -> Table {
        let mut table = Table {
            out: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new()),
        };
        table.write(header.into_iter().map(Cell::Text));
        table
    }

    /// Appends one row.
    pub fn row<'c>(&mut self, cells: impl IntoIterator<Item = Cell<'c>>) {
        self.write(cells)
    }

    fn write<'c>(&mut self, cells: impl IntoIterator<Item = Cell<'c>>) {
        let fields: Vec<String> = cells
            .into_iter()
            .map(|c| match c {
                Cell::Text(s) => crate::scenario::defused(s).into_owned(),
                Cell::Num(x) => no_negative_zero(x).to_string(),
                Cell::Count(n) => n.to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        self.out
            .write_record(&fields)
            .expect("a row has as many cells as the header (writing to memory cannot fail)");
    }

    /// The document as text.
    pub fn finish(self) -> String {
        let bytes = self
            .out
            .into_inner()
            .expect("flushing to memory cannot fail");
        String::from_utf8(bytes).expect("every cell was UTF-8")
    }
}

fn summary<'a>(s: Option<&Summary>) -> [Cell<'a>; 6] {
    match s {
        Some(s) => [s.mean, s.ci95[0], s.ci95[1], s.p50, s.p90, s.p99].map(Cell::Num),
        None => [Cell::Empty; 6],
    }
}

/// A stats figure's quantile intervals: each `[lo, hi]`, `hi` empty when
/// too few trials bound the quantile from above.
fn quantile_intervals<'a>(s: Option<&Summary>) -> [Cell<'a>; 6] {
    match s {
        Some(s) => {
            let hi = |ci: QuantileCi| ci.hi.map_or(Cell::Empty, Cell::Num);
            [
                Cell::Num(s.p50_ci95.lo),
                hi(s.p50_ci95),
                Cell::Num(s.p90_ci95.lo),
                hi(s.p90_ci95),
                Cell::Num(s.p99_ci95.lo),
                hi(s.p99_ci95),
            ]
        }
        None => [Cell::Empty; 6],
    }
}

fn proportion<'a>(p: Option<&Proportion>) -> Cell<'a> {
    p.map_or(Cell::Empty, |p| Cell::Num(p.p))
}

/// Header plus one row per service.
pub fn render<D: ModeDetail>(r: &Results<D>) -> String {
    const FIGURES: [&str; 7] = [
        "recovery_h",
        "downtime_h",
        "disruption_h",
        "data_loss_h",
        "availability",
        "outages",
        "loss",
    ];
    let mut header = vec!["service".to_string(), "name".into(), "affected_p".into()];
    for name in FIGURES {
        for k in ["mean", "ci95_lo", "ci95_hi", "p50", "p90", "p99"] {
            header.push(format!("{name}_{k}"));
        }
    }
    for cause in LossCause::ALL {
        header.push(format!("loss_{}_mean", loss_cause_key(cause)));
    }
    header.extend(["rto_met_p", "rpo_met_p", "mtpd_met_p", "total_data_loss_p"].map(String::from));
    // Added after the columns above, which keep their places.
    for name in FIGURES {
        for q in ["p50", "p90", "p99"] {
            for end in ["lo", "hi"] {
                header.push(format!("{name}_{q}_ci95_{end}"));
            }
        }
    }
    header.push("options_applied".into());
    let applied = r.options_applied.join(";");
    let mut table = Table::new(header.iter().map(String::as_str));
    for s in &r.services {
        let mut row = vec![Cell::from(&s.id), Cell::from(&s.name), s.affected.p.into()];
        let run = s.detail.run();
        let figures = [
            s.detail.recovery_h(),
            Some(&s.downtime_h),
            Some(&s.disruption_h),
            Some(&s.data_loss_h),
            run.map(|r| &r.availability),
            run.map(|r| &r.outages),
            Some(&s.loss),
        ];
        for f in figures {
            row.extend(summary(f));
        }
        row.extend(
            LossCause::ALL
                .into_iter()
                .map(|c| Cell::Num(s.loss_breakdown.part(c).mean)),
        );
        row.extend([
            proportion(s.rto_met.as_ref()),
            proportion(s.rpo_met.as_ref()),
            proportion(s.mtpd_met.as_ref()),
            s.total_data_loss.p.into(),
        ]);
        for f in figures {
            row.extend(quantile_intervals(f));
        }
        row.push(Cell::from(&applied));
        table.row(row);
    }
    table.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_is_defused_and_numbers_are_not() {
        let mut t = Table::new(["name", "value"]);
        for text in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            t.row([Cell::Text(text), Cell::Num(-3.5)]);
        }
        t.row([Cell::Text("plain, with comma"), Cell::Count(7)]);
        let text = t.finish();
        let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("well-formed"))
            .collect();
        let names: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
        assert_eq!(
            names,
            [
                "'=HYPERLINK(\"http://x\",\"y\")",
                "'+1",
                "'-2",
                "'@SUM(A1)",
                "'\tx",
                "'\rx",
                "plain, with comma"
            ]
        );
        assert!(rows[..6].iter().all(|r| &r[1] == "-3.5"), "{rows:?}");
        assert_eq!(&rows[6][1], "7");
    }
}
