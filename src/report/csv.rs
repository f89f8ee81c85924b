//! One CSV row per service, for spreadsheets.

use crate::sim::Results;
use crate::stats::{Proportion, Summary};

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn num(x: f64) -> String {
    format!("{x}")
}

fn opt_summary(s: &Option<Summary>, out: &mut Vec<String>) {
    match s {
        Some(s) => out.extend([
            num(s.mean),
            num(s.ci95[0]),
            num(s.ci95[1]),
            num(s.p50),
            num(s.p90),
            num(s.p99),
        ]),
        None => out.extend(std::iter::repeat_n(String::new(), 6)),
    }
}

fn opt_prop(p: &Option<Proportion>, out: &mut Vec<String>) {
    match p {
        Some(p) => out.push(num(p.p)),
        None => out.push(String::new()),
    }
}

/// Header plus one row per service.
pub fn render(r: &Results) -> String {
    let stat_cols = |name: &str| {
        ["mean", "ci95_lo", "ci95_hi", "p50", "p90", "p99"]
            .iter()
            .map(|k| format!("{name}_{k}"))
            .collect::<Vec<_>>()
    };
    let mut header = vec!["service".to_string(), "name".into(), "affected_p".into()];
    for name in [
        "recovery_h",
        "downtime_h",
        "data_loss_h",
        "availability",
        "outages",
        "loss",
    ] {
        header.extend(stat_cols(name));
    }
    header.extend(["rto_met_p", "rpo_met_p", "mtpd_met_p", "total_data_loss_p"].map(String::from));
    let mut out = header.join(",");
    out.push('\n');
    for s in &r.services {
        let mut row = vec![field(&s.id), field(&s.name), num(s.affected.p)];
        opt_summary(&s.recovery_h, &mut row);
        opt_summary(&Some(s.downtime_h), &mut row);
        opt_summary(&Some(s.data_loss_h), &mut row);
        opt_summary(&s.availability, &mut row);
        opt_summary(&s.outages, &mut row);
        opt_summary(&Some(s.loss), &mut row);
        opt_prop(&s.rto_met, &mut row);
        opt_prop(&s.rpo_met, &mut row);
        opt_prop(&s.mtpd_met, &mut row);
        row.push(num(s.total_data_loss.p));
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}
