//! Numbers for people: money with a currency sign, hours with units,
//! probabilities as percentages.

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

/// `£2.1tn`, `£1.3M`, `£12k`, `£950`.
pub(crate) fn money(amount: f64, currency: &str) -> String {
    let sign = if amount < 0.0 { "-" } else { "" };
    let a = amount.abs();
    let body = if a >= 1e12 {
        format!("{:.1}tn", a / 1e12)
    } else if a >= 1e9 {
        format!("{:.1}bn", a / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", a / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", a / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", a / 1e3)
    } else {
        format!("{:.0}", a)
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

/// A table cell for a target: `4h`, or a dash when there is none.
pub(crate) fn target_cell(t: Option<f64>) -> String {
    t.map(hours).unwrap_or_else(|| "–".into())
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
        assert_eq!(money(-2500.0, "CHF"), "-CHF 2.5k");
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
