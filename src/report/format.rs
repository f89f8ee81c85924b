//! Numbers for people: money with a currency sign, hours with units,
//! probabilities as percentages; and the rule every output format (text,
//! JSON, CSV) follows for zero: it is never written `-0`
//! ([`no_negative_zero`] for numbers written in full, [`fixed`] and
//! [`signed`] for rounded ones).

/// `x` with a negative zero made positive (`-0.0 + 0.0` is `+0.0`; every
/// other value, NaN included, is unchanged). The JSON and CSV writers pass
/// every number through it, so that no output shows `-0`: a difference or
/// a net benefit of nothing is 0, not "minus nothing".
pub(crate) fn no_negative_zero(x: f64) -> f64 {
    x + 0.0
}

/// Whether a formatted number has a digit other than zero (else it reads
/// as zero, whatever its sign).
fn reads_as_zero(text: &str) -> bool {
    !text.bytes().any(|b| matches!(b, b'1'..=b'9'))
}

/// `x` with `decimals` decimals; a value that rounds to zero is written
/// without a sign (`0.00`, never `-0.00`).
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    match text.strip_prefix('-') {
        Some(unsigned) if reads_as_zero(unsigned) => unsigned.to_string(),
        _ => text,
    }
}

/// `x` with `decimals` decimals and its sign: `+1.5`, `-0.3`; a value that
/// rounds to zero is `+0.0`, like zero itself.
pub(crate) fn signed(x: f64, decimals: usize) -> String {
    let text = fixed(x, decimals);
    if text.starts_with('-') {
        text
    } else {
        format!("+{text}")
    }
}

/// A duration given in hours, with its unit: `90m`, `2.5h`, `3d`, `10y`,
/// and never `0s` for a duration above zero (`1ms`). The rules live in
/// [`fmt_hours`](crate::scenario::fmt_hours), which the charts and graph
/// exports call too.
pub(crate) use crate::scenario::fmt_hours as hours;

/// The sign for common currency codes, else the code and a space.
fn currency_prefix(code: &str) -> String {
    match code {
        "GBP" => "£".into(),
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "JPY" => "¥".into(),
        "INR" => "₹".into(),
        other => format!("{other} "),
    }
}

/// `+£12k`, `-£3.5k`, `£0` (an amount that rounds to nothing has no sign).
pub(crate) fn signed_money(x: f64, cur: &str) -> String {
    let text = money(x, cur);
    if x > 0.0 && text != money(0.0, cur) {
        format!("+{text}")
    } else {
        text
    }
}

/// A change of a probability in percentage points: `+3.5 pts`.
pub(crate) fn points(x: f64) -> String {
    format!("{} pts", signed(x * 100.0, 1))
}

/// `£2.1tn`, `£1.3M`, `£12k`, `£950`, `-£2.5k`; an amount that rounds
/// to nothing is `£0`, whatever its sign.
pub(crate) fn money(amount: f64, currency: &str) -> String {
    let a = amount.abs();
    // Each unit starts where the one below would round up to a thousand
    // of it: 999,600 is £1.0M, not £1000k.
    let body = if a >= 999.95e9 {
        format!("{:.1}tn", a / 1e12)
    } else if a >= 999.95e6 {
        format!("{:.1}bn", a / 1e9)
    } else if a >= 999.5e3 {
        format!("{:.1}M", a / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", a / 1e3)
    } else if a >= 999.5 {
        format!("{:.1}k", a / 1e3)
    } else {
        format!("{:.0}", a)
    };
    let sign = if amount < 0.0 && !reads_as_zero(&body) {
        "-"
    } else {
        ""
    };
    format!("{sign}{}{body}", currency_prefix(currency))
}

/// `38%`, `99.95%`, `<0.1%`.
pub(crate) fn percent(p: f64) -> String {
    if p == 0.0 {
        "0%".into()
    } else if p == 1.0 {
        "100%".into()
    } else if p < 0.001 {
        "<0.1%".into()
    } else if p > 0.999 {
        // Availability-like numbers need more digits to mean anything.
        let s = format!("{:.3}%", p * 100.0);
        if s == "100.000%" {
            ">99.999%".into()
        } else {
            s
        }
    } else if p > 0.99 {
        format!("{:.2}%", p * 100.0)
    } else if p < 0.1 {
        format!("{:.1}%", p * 100.0)
    } else {
        format!("{:.0}%", p * 100.0)
    }
}

/// A probability to two significant figures, however small:
/// `7.8%`, `0.17%`, `0.00010%`; `0%` for none.
pub(crate) fn fine_percent(p: f64) -> String {
    if p <= 0.0 || p >= 0.001 {
        return percent(p);
    }
    let pct = p * 100.0;
    let decimals = (1 - pct.log10().floor() as i32).max(0) as usize;
    format!("{pct:.decimals$}%")
}

/// How often something happens a year, to two significant figures and no
/// trailing zeros: `33`, `2`, `0.5`, `0.013`.
pub(crate) fn per_year(x: f64) -> String {
    if x <= 0.0 || !x.is_finite() {
        return "0".into();
    }
    let decimals = (1 - x.log10().floor() as i32).max(0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Half the width of a 95% interval, as percentage points: `±1%`.
pub(crate) fn plus_minus_percent(ci: [f64; 2]) -> String {
    let half = (ci[1] - ci[0]) / 2.0 * 100.0;
    if half < 0.05 {
        "±<0.1%".into()
    } else if half < 1.0 {
        format!("±{half:.1}%")
    } else {
        format!("±{half:.0}%")
    }
}

/// A table cell for a chance of meeting a target: `92% ±2%`, or a dash
/// when the service sets no such target. Text and HTML tables both use it.
pub(crate) fn met_cell(p: Option<&crate::stats::Proportion>) -> String {
    match p {
        Some(p) => format!("{} {}", percent(p.p), plus_minus_percent(p.ci95)),
        None => "–".into(),
    }
}

/// A quantile's 95% interval in the quantile's own unit, `17h – 21h`, or
/// `17h or more` when too few trials bound it from above. Text and HTML
/// both use it.
pub(crate) fn quantile_range(ci: crate::stats::QuantileCi, unit: impl Fn(f64) -> String) -> String {
    match ci.hi {
        Some(hi) => format!("{} – {}", unit(ci.lo), unit(hi)),
        None => format!("{} or more", unit(ci.lo)),
    }
}

/// What one trial of a run covers, for "1 year in 10": `year` for a
/// one-year horizon, else `10y period`.
pub(crate) fn period_noun(horizon_h: f64) -> String {
    if horizon_h == crate::scenario::HOURS_PER_YEAR {
        "year".into()
    } else {
        format!("{} period", hours(horizon_h))
    }
}

/// A table cell for a target: `4h`, or a dash when there is none.
pub(crate) fn target_cell(t: Option<f64>) -> String {
    t.map(hours).unwrap_or_else(|| "–".into())
}

/// A drill's data-loss cell: `p50 / p90` of the hours lost; where some
/// trials lost all the data (no backup survived), `p50 / p90, all lost 3%`,
/// or from half of them on just `all lost 80%`: the hours lost count those
/// trials as none, so a `0h` would hide them.
pub(crate) fn data_loss_cell<D>(s: &crate::sim::ServiceResult<D>) -> String {
    let quantiles = format!(
        "{} / {}",
        hours(s.data_loss_h.p50),
        hours(s.data_loss_h.p90)
    );
    match s.total_data_loss.p {
        p if p >= 0.5 => format!("all lost {}", fine_percent(p)),
        p if p > 0.0 => format!("{quantiles}, all lost {}", fine_percent(p)),
        _ => quantiles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_short_and_signed() {
        assert_eq!(money(1_300_000.0, "GBP"), "£1.3M");
        assert_eq!(money(3.65e17, "GBP"), "£365000.0tn");
        assert_eq!(money(2.5e9, "GBP"), "£2.5bn");
        assert_eq!(money(12_345.0, "GBP"), "£12k");
        assert_eq!(money(950.0, "USD"), "$950");
        // Where a unit would round up to a thousand, the next one takes over.
        assert_eq!(money(999_600.0, "GBP"), "£1.0M");
        assert_eq!(money(999_400.0, "GBP"), "£999k");
        assert_eq!(money(999.6, "GBP"), "£1.0k");
        assert_eq!(money(999.97e6, "GBP"), "£1.0bn");
        assert_eq!(money(999.97e9, "GBP"), "£1.0tn");
        assert_eq!(money(-2500.0, "CHF"), "-CHF 2.5k");
    }

    #[test]
    fn nothing_is_never_minus_nothing() {
        // Each of these read `-0` before: a negative zero, or a small
        // negative number rounded to zero.
        assert_eq!(money(-0.0, "GBP"), "£0");
        assert_eq!(money(-0.4, "GBP"), "£0");
        assert_eq!(money(-0.6, "GBP"), "-£1");
        assert_eq!(fixed(-0.0, 2), "0.00");
        assert_eq!(fixed(-0.004, 2), "0.00");
        assert_eq!(fixed(-0.006, 2), "-0.01");
        assert_eq!(signed(-0.0, 1), "+0.0");
        assert_eq!(signed(-0.04, 1), "+0.0");
        assert_eq!(signed(0.0, 0), "+0");
        assert_eq!(signed(-2.5, 1), "-2.5");
        assert_eq!(signed(2.5, 1), "+2.5");
        assert_eq!(no_negative_zero(-0.0).to_string(), "0");
        assert_eq!(no_negative_zero(-1.5), -1.5);
        assert!(no_negative_zero(f64::NAN).is_nan());
    }

    #[test]
    fn percentages_keep_meaningful_digits() {
        assert_eq!(percent(0.38), "38%");
        assert_eq!(percent(0.9995), "99.950%");
        assert_eq!(percent(0.0004), "<0.1%");
        assert_eq!(percent(0.0047), "0.5%");
        assert_eq!(plus_minus_percent([0.37, 0.39]), "±1%");
    }
}
