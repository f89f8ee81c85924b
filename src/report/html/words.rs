//! Numbers, durations and names as the report says them. Every section takes
//! its words from here, so a duration, a target or a threat's name reads the
//! same in the plain words, the tables and the captions.

use crate::report::format::hours;
use crate::scenario::Scenario;
use crate::sim::{DrillResults, RunResults};

/// `10,000`.
pub(super) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Hours for people: `45 minutes`, `6.5 hours`, `3.9 days`.
pub(super) fn hours_words(h: f64) -> String {
    if h <= 0.0 {
        return "no time".into();
    }
    let num = |x: f64| {
        if x < 10.0 {
            let s = format!("{x:.1}");
            s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
        } else {
            format!("{x:.0}")
        }
    };
    let plural = |n: String, unit: &str| {
        if n == "1" {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    if h < 1.0 {
        plural(format!("{:.0}", (h * 60.0).max(1.0)), "minute")
    } else if h < 48.0 {
        plural(num(h), "hour")
    } else {
        plural(num(h / 24.0), "day")
    }
}

/// A target as an adjective: `4-hour`, `15-minute`, `2-day`; a target that
/// is no whole number of its unit reads as the tables write it (`9.01h`),
/// never rounded to one it is not.
pub(crate) fn target_words(h: f64) -> String {
    let whole = |x: f64| (x - x.round()).abs() < 1e-9;
    if h <= 0.0 {
        "zero".into()
    } else if h >= 48.0 && whole(h / 24.0) {
        format!("{}-day", (h / 24.0).round())
    } else if h >= 1.0 && whole(h) {
        format!("{}-hour", h.round())
    } else if h < 1.0 && whole(h * 60.0) {
        format!("{}-minute", (h * 60.0).round())
    } else {
        crate::report::format::hours(h)
    }
}

/// Lower-cases the first letter of a name used mid-sentence, unless it is an
/// acronym ("EHR outage") or starts a proper noun ("Faster Payments outage":
/// the next word is capitalised too).
pub(super) fn lower_first(s: &str) -> String {
    let mut words = s.split_whitespace();
    let first = words.next().unwrap_or("");
    let second_capital = words
        .next()
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase);
    let mut chars = first.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() && !second_capital => {
            a.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

/// A threat for people: its name, or its id (also for an id the scenario
/// does not know, such as a drill's missing threat).
pub(super) fn threat_label<'a>(s: &'a Scenario, id: &'a str) -> &'a str {
    s.threat_index(id).map_or(id, |t| s.threats[t].label())
}

/// The threat a drill struck with, for people.
pub(super) fn drill_label<'a>(s: &'a Scenario, drill: &'a DrillResults) -> &'a str {
    threat_label(s, drill.threat.as_deref().unwrap_or(""))
}

/// A component for people: its name, or its id.
pub(super) fn component_label<'a>(s: &'a Scenario, id: &'a str) -> &'a str {
    s.component_index(id)
        .map_or(id, |c| s.components[c].label())
}

/// The annual run's period as `hours` writes it: `1y` unless the run was
/// given another horizon.
fn period(annual: &RunResults) -> String {
    annual.horizon_h().map_or("1y".to_string(), hours)
}

/// What the annual run simulated many of: `years`, or `periods of 30d`.
pub(super) fn periods(annual: &RunResults) -> String {
    match period(annual) {
        p if p == "1y" => "years".to_string(),
        p => format!("periods of {p}"),
    }
}

/// One of them: `a year`, or `30d`.
pub(super) fn one_period(annual: &RunResults) -> String {
    match period(annual) {
        p if p == "1y" => "a year".into(),
        p => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_hours_and_targets() {
        assert_eq!(hours_words(6.5), "6.5 hours");
        assert_eq!(hours_words(19.2), "19 hours");
        assert_eq!(hours_words(0.25), "15 minutes");
        assert_eq!(hours_words(1.0), "1 hour");
        assert_eq!(hours_words(94.0), "3.9 days");
        assert_eq!(target_words(4.0), "4-hour");
        assert_eq!(target_words(0.25), "15-minute");
        assert_eq!(target_words(48.0), "2-day");
        assert_eq!(target_words(24.0), "24-hour");
        assert_eq!(target_words(0.0), "zero");
        // Not rounded to a whole unit it is not.
        assert_eq!(target_words(9.01), "9.01h");
        assert_eq!(target_words(1.5), "1.5h");
        assert_eq!(target_words(36.0), "36-hour");
    }

    #[test]
    fn names_keep_acronyms_and_proper_nouns() {
        assert_eq!(lower_first("Ransomware attack"), "ransomware attack");
        assert_eq!(lower_first("EHR vendor outage"), "EHR vendor outage");
        assert_eq!(
            lower_first("Faster Payments outage"),
            "Faster Payments outage"
        );
    }

    #[test]
    fn counts_in_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }
}
