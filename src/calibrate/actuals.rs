//! The actuals file: one measured duration per row of a CSV file.
//!
//! | column | meaning |
//! |---|---|
//! | `id` | a component, or a threat for `duration` (and a threat's own `repair` or `rebuild`) |
//! | `what` | `repair`, `rebuild`, `restore`, `detect`, `switchover` or `duration` |
//! | `hours` | how long it took, in hours (or a duration with a unit, `90m`) |
//! | `start`, `end` | instead of `hours`: RFC 3339 timestamps (`2026-03-14T02:10:00Z`) |
//! | `tier` | for `restore`: which backup tier, by number from 1 in file order or by its interval (`24h`) |
//! | `censored` | `true` when the work was still unfinished after that time |
//! | `date`, `source` | when and where it was measured (for your records: drsim reads past them) |
//!
//! A switchover is named by a member of the failover group (the database
//! that failed over, or the standby it went to): it updates the switchover
//! of every failover group that member is in.

use crate::calibrate::fit::Obs;
use crate::scenario::tables::{TableError, TableErrors};
use crate::scenario::{did_you_mean, escape_unsafe, parse_duration, undefused};
use std::path::Path;

/// What was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum What {
    /// Repairing a damaged component (or a threat's own repair time).
    Repair,
    /// Rebuilding a destroyed component (or a threat's own rebuild time).
    Rebuild,
    /// Restoring a component's data from a backup tier.
    Restore,
    /// From a hit to the start of repair work.
    Detect,
    /// A failover group's switch to another member.
    Switchover,
    /// How long a threat's disruption lasted.
    Duration,
}

impl What {
    /// Every kind, in the order of the documentation.
    pub const ALL: [What; 6] = [
        What::Repair,
        What::Rebuild,
        What::Restore,
        What::Detect,
        What::Switchover,
        What::Duration,
    ];
    /// As the file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            What::Repair => "repair",
            What::Rebuild => "rebuild",
            What::Restore => "restore",
            What::Detect => "detect",
            What::Switchover => "switchover",
            What::Duration => "duration",
        }
    }
}

/// One measured duration.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    /// The row, as a spreadsheet numbers it (the headings are row 1).
    pub row: usize,
    /// The component or threat.
    pub id: String,
    /// What was measured.
    pub what: What,
    /// The backup tier, as written (`2`, `24h`), for a restore.
    pub tier: Option<String>,
    /// The duration, and whether the work was still unfinished.
    pub obs: Obs,
    /// When, as written.
    pub date: Option<String>,
    /// Where from, as written.
    pub source: Option<String>,
}

/// The columns an actuals file may have.
pub const COLUMNS: [&str; 9] = [
    "id", "what", "hours", "start", "end", "tier", "censored", "date", "source",
];

/// Reads an actuals file (UTF-8 CSV, headings in the first row; at most
/// the size of a scenario file). Every problem is reported at once, at its
/// row and column.
pub fn read(path: &Path) -> Result<Vec<Actual>, TableErrors> {
    let shown = escape_unsafe(&path.display().to_string(), false).into_owned();
    let fail = |m: String| {
        TableErrors(vec![TableError {
            at: shown.clone(),
            message: m,
            help: None,
        }])
    };
    let bytes = crate::scenario::read_path(path).map_err(|e| fail(e.to_string()))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        fail(format!(
            "not UTF-8 text (byte {}); save it as CSV UTF-8",
            e.valid_up_to()
        ))
    })?;
    parse(text, &shown)
}

/// Parses the text of an actuals file named `shown` in messages.
pub fn parse(text: &str, shown: &str) -> Result<Vec<Actual>, TableErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    let at = |row: usize, column: Option<&str>| match column {
        Some(c) => format!("{shown}, row {row}, column {c}"),
        None => format!("{shown}, row {row}"),
    };
    let rows = crate::scenario::tables::csv_rows(text, b',').map_err(|(row, message)| {
        TableErrors(vec![TableError {
            at: at(row, None),
            message,
            help: None,
        }])
    })?;
    let mut records = rows.into_iter();
    let header: Vec<String> = match records.next() {
        Some((_, r)) => r.iter().map(|h| undefused(h).trim().to_string()).collect(),
        None => {
            return Err(TableErrors(vec![TableError {
                at: shown.to_string(),
                message: "the file is empty".into(),
                help: Some(format!(
                    "the first row names the columns: {}",
                    COLUMNS.join(", ")
                )),
            }]))
        }
    };
    for (i, h) in header.iter().enumerate() {
        if !h.is_empty() && !COLUMNS.contains(&h.as_str()) {
            let help = did_you_mean(h, COLUMNS.iter().copied())
                .unwrap_or_else(|| format!("the columns are {}", COLUMNS.join(", ")));
            errors.push(TableError {
                at: at(1, Some(&escape_unsafe(h, false))),
                message: format!("unknown column `{}`", escape_unsafe(h, false)),
                help: Some(help),
            });
        }
        if header[..i].contains(h) && !h.is_empty() {
            errors.push(TableError {
                at: at(1, Some(h)),
                message: format!("a second column `{h}`"),
                help: Some("keep one of them".into()),
            });
        }
    }
    for needed in ["id", "what"] {
        if !header.iter().any(|h| h == needed) {
            errors.push(TableError {
                at: at(1, None),
                message: format!("no column `{needed}`"),
                help: Some(format!(
                    "the columns are {}; id and what are needed, with hours or start and end",
                    COLUMNS.join(", ")
                )),
            });
        }
    }
    let has = |c: &str| header.iter().any(|h| h == c);
    if !(has("hours") || (has("start") && has("end"))) {
        errors.push(TableError {
            at: at(1, None),
            message: "no column `hours` (nor `start` and `end`)".into(),
            help: Some(
                "give each duration in hours, or its start and end as RFC 3339 timestamps".into(),
            ),
        });
    }
    if !errors.is_empty() {
        return Err(TableErrors(errors));
    }
    let mut actuals = Vec::new();
    for (row, record) in records {
        let cell = |c: &str| -> Option<String> {
            let k = header.iter().position(|h| h == c)?;
            let v = undefused(record.get(k)?).trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let before = errors.len();
        let mut bad = |column: &str, message: String, help: &str| {
            errors.push(TableError {
                at: at(row, Some(column)),
                message,
                help: Some(help.to_string()),
            })
        };
        let id = cell("id");
        if id.is_none() {
            bad(
                "id",
                "no id".into(),
                "name the component (or threat) that was measured",
            );
        }
        let what = match cell("what") {
            None => {
                bad("what", "no what".into(), "say what was measured: repair, rebuild, restore, detect, switchover or duration");
                None
            }
            Some(w) => {
                let found = What::ALL.into_iter().find(|x| x.as_str() == w);
                if found.is_none() {
                    let words = What::ALL.map(What::as_str);
                    let help = did_you_mean(&w, words.iter().copied())
                        .unwrap_or_else(|| format!("write one of {}", words.join(", ")));
                    bad(
                        "what",
                        format!(
                            "`{}` is not something drsim calibrates",
                            escape_unsafe(&w, false)
                        ),
                        &help,
                    );
                }
                found
            }
        };
        let hours = match (cell("hours"), cell("start"), cell("end")) {
            (Some(h), None, None) => match read_hours(&h) {
                Ok(x) => Some(x),
                Err(m) => {
                    bad("hours", m, "write the hours as a number above zero (e.g. 6.5) or a duration with its unit (90m)");
                    None
                }
            },
            (None, Some(s), Some(e)) => match (timestamp(&s), timestamp(&e)) {
                (Ok(a), Ok(b)) if b > a => Some((b - a) / 3600.0),
                (Ok(_), Ok(_)) => {
                    bad(
                        "end",
                        "the end is not after the start".into(),
                        "swap them, or correct the times",
                    );
                    None
                }
                (Err(m), _) => {
                    bad("start", m, "write an RFC 3339 time, e.g. 2026-03-14T02:10:00Z or 2026-03-14T02:10:00+01:00");
                    None
                }
                (_, Err(m)) => {
                    bad(
                        "end",
                        m,
                        "write an RFC 3339 time, e.g. 2026-03-14T06:40:00Z",
                    );
                    None
                }
            },
            (Some(_), _, _) => {
                bad(
                    "hours",
                    "both hours and start/end are given".into(),
                    "give one: hours, or start and end",
                );
                None
            }
            (None, Some(_), None) | (None, None, Some(_)) => {
                bad(
                    if cell("start").is_some() {
                        "end"
                    } else {
                        "start"
                    },
                    "a start needs an end, and an end a start".into(),
                    "give both, or the hours",
                );
                None
            }
            (None, None, None) => {
                bad(
                    "hours",
                    "no duration".into(),
                    "give the hours, or the start and end",
                );
                None
            }
        };
        let censored = match cell("censored").as_deref().map(str::to_ascii_lowercase) {
            None => false,
            Some(c) if ["true", "yes", "1", "y"].contains(&c.as_str()) => true,
            Some(c) if ["false", "no", "0", "n"].contains(&c.as_str()) => false,
            Some(c) => {
                bad("censored", format!("`{}` is not true or false", escape_unsafe(&c, false)), "write true when the work was still unfinished after that time, else false (or leave it empty)");
                false
            }
        };
        if errors.len() > before {
            continue;
        }
        let (Some(id), Some(what), Some(hours)) = (id, what, hours) else {
            continue;
        };
        actuals.push(Actual {
            row,
            id,
            what,
            tier: cell("tier"),
            obs: Obs { hours, censored },
            date: cell("date"),
            source: cell("source"),
        });
    }
    if errors.is_empty() {
        Ok(actuals)
    } else {
        Err(TableErrors(errors))
    }
}

/// Hours: a number, or a duration with a unit; above zero, and within
/// what a scenario's durations may be (a number is read as hours).
fn read_hours(text: &str) -> Result<f64, String> {
    let h = match text.parse::<f64>() {
        Ok(x) if x.is_finite() => parse_duration(&format!("{x}h"))?,
        Ok(x) => x,
        Err(_) => parse_duration(text)?,
    };
    if !(h.is_finite() && h > 0.0) {
        return Err(format!(
            "`{}` is not a duration above zero",
            escape_unsafe(text, false)
        ));
    }
    Ok(h)
}

/// Seconds since 1970 of an RFC 3339 timestamp (`T` or a space between
/// date and time; `Z` or an offset; fractions of a second allowed).
pub fn timestamp(text: &str) -> Result<f64, String> {
    let bad = || format!("`{}` is not an RFC 3339 time", escape_unsafe(text, false));
    let t = text.trim();
    let b = t.as_bytes();
    if b.len() < 20 || !t.is_ascii() {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| {
        let part = &t[r];
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse::<i64>().map_err(|_| bad())
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad());
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let mut rest = &t[17..];
    let secs_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(bad)?;
    let secs = &rest[..secs_end];
    let well_formed = secs.len() >= 2
        && secs[..2].bytes().all(|b| b.is_ascii_digit())
        && (secs.len() == 2
            || (secs.as_bytes()[2] == b'.'
                && secs.len() > 3
                && secs[3..].bytes().all(|b| b.is_ascii_digit())));
    if !well_formed {
        return Err(bad());
    }
    let second: f64 = secs.parse().map_err(|_| bad())?;
    rest = &rest[secs_end..];
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(&rest[..1], "+" | "-") && &rest[3..4] == ":" => {
            let h = num(t.len() - 5..t.len() - 3)?;
            let m = num(t.len() - 2..t.len())?;
            if h > 23 || m > 59 {
                return Err(bad());
            }
            let s = (h * 60 + m) * 60;
            if rest.starts_with('-') {
                -s
            } else {
                s
            }
        }
        _ => return Err(bad()),
    };
    let days_in = [
        31,
        if leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in[(month - 1) as usize]
        || hour > 23
        || minute > 59
        || !(0.0..61.0).contains(&second)
    {
        return Err(bad());
    }
    let days = days_from_civil(year, month, day);
    Ok((days * 86_400 + hour * 3600 + minute * 60 - offset) as f64 + second)
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days from 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_as_rfc_3339() {
        assert_eq!(timestamp("1970-01-01T00:00:00Z"), Ok(0.0));
        assert_eq!(timestamp("2000-03-01T00:00:00Z"), Ok(951_868_800.0));
        assert_eq!(
            timestamp("2026-03-14T02:10:00+01:00"),
            Ok(timestamp("2026-03-14T01:10:00Z").unwrap())
        );
        assert_eq!(
            timestamp("2026-03-14 02:10:00.5Z"),
            Ok(timestamp("2026-03-14T02:10:00Z").unwrap() + 0.5)
        );
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-03-14T02:10:00",
            "14/03/2026 02:10",
            "2026-03-14T25:00:00Z",
        ] {
            assert!(timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rows_read_with_hours_or_times_and_errors_are_placed() {
        let ok = parse(
            "id,what,hours,start,end,tier,censored,date,source\n\
             ehr-db,restore,6.5,,,2,,2026-03-14,DR test\n\
             ehr-db,restore,,2026-03-14T02:00:00Z,2026-03-14T05:30:00Z,,true,,\n\
             wan,switchover,90m,,,,no,,\n\n",
            "a.csv",
        )
        .unwrap();
        assert_eq!(ok.len(), 3);
        assert_eq!(
            ok[0].obs,
            Obs {
                hours: 6.5,
                censored: false
            }
        );
        assert_eq!(ok[0].tier.as_deref(), Some("2"));
        assert_eq!(
            ok[1].obs,
            Obs {
                hours: 3.5,
                censored: true
            }
        );
        assert_eq!(ok[2].obs.hours, 1.5);
        assert_eq!(ok[2].row, 4);
        let e = parse("id,what,hours,colour\nx,restor,-1,\n,repair,2,\n", "a.csv")
            .unwrap_err()
            .0;
        let at: Vec<&str> = e.iter().map(|e| e.at.as_str()).collect();
        assert_eq!(at, ["a.csv, row 1, column colour"]);
        let e = parse(
            "id,what,hours\nx,restor,-1\n,repair,2\ny,repair,\n",
            "a.csv",
        )
        .unwrap_err()
        .0;
        let at: Vec<&str> = e.iter().map(|e| e.at.as_str()).collect();
        assert_eq!(
            at,
            [
                "a.csv, row 2, column what",
                "a.csv, row 2, column hours",
                "a.csv, row 3, column id",
                "a.csv, row 4, column hours"
            ]
        );
        assert!(e[0].help.as_deref().unwrap().contains("restore"));
    }
}
