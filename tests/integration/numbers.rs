//! Numbers that cannot be (issue 13, finding 13): an interval of a
//! quantity that is never negative reaching below zero, an availability's
//! above 1, a count's quantiles that are not whole numbers, `-0` in any
//! output, a positive horizon printed as `0s`.

use super::common::{drsim, scenario, write_temp};
use serde_json::Value;

/// Standard output of drsim with `args`, which must succeed.
fn stdout(args: &[&str]) -> String {
    let out = drsim()
        .args(args)
        .arg("--quiet")
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&stdout(args)).expect("valid JSON")
}

/// Asserts that the stats object `s` (mean, ci95, quantiles, max) at
/// `path` is a possible summary of a quantity in `low..=high`: its interval
/// inside the range and around the mean.
fn assert_within(path: &str, s: &Value, low: f64, high: f64) {
    let f = |k: &str| s[k].as_f64().unwrap_or_else(|| panic!("{path}.{k}: {s}"));
    let [lo, hi] = [0, 1].map(|i| s["ci95"][i].as_f64().expect("ci95 has two numbers"));
    let mean = f("mean");
    assert!(low <= lo && lo <= mean, "{path}.ci95 {lo} vs mean {mean}");
    assert!(mean <= hi && hi <= high, "{path}.ci95 {hi} vs mean {mean}");
    for k in ["p50", "p90", "p99", "max"] {
        assert!((low..=high).contains(&f(k)), "{path}.{k} = {}", f(k));
    }
}

/// Every summary of a run's or drill's JSON document is in its quantity's
/// range, and a count's quantiles are whole numbers.
fn assert_possible(doc: &Value) {
    assert_within("loss", &doc["loss"], 0.0, f64::INFINITY);
    let services = doc["services"].as_object().expect("services");
    assert!(!services.is_empty());
    for (id, s) in services {
        for key in [
            "recovery_h",
            "downtime_h",
            "data_loss_h",
            "loss",
            "outages",
            "rto_breaches",
        ] {
            if !s[key].is_null() {
                assert_within(&format!("{id}.{key}"), &s[key], 0.0, f64::INFINITY);
            }
        }
        if !s["availability"].is_null() {
            assert_within(&format!("{id}.availability"), &s["availability"], 0.0, 1.0);
        }
        for key in ["outages", "rto_breaches"] {
            if s[key].is_null() {
                continue;
            }
            for q in ["p50", "p90", "p99", "max"] {
                let x = s[key][q].as_f64().expect("a number");
                assert_eq!(x, x.round(), "{id}.{key}.{q} is a count: {x}");
            }
        }
    }
}

#[test]
fn few_trials_give_no_negative_bound_and_whole_counts() {
    // The case of the issue: `ehr.loss.ci95` began at -84,233, the total's
    // at -387,866; `outages.p50` was 2.0037, `rto_breaches.p90` 0.995.
    let path = scenario("hospital.yaml");
    let path = path.to_str().expect("UTF-8 path");
    // Plain sampling: the case is the plain sample's.
    let doc = json(&[
        "run", path, "--trials", "10", "--seed", "5", "--format", "json", "--plain",
    ]);
    assert_possible(&doc);
    let ehr = &doc["services"]["ehr"];
    assert_eq!(ehr["loss"]["ci95"][0], 0.0, "cut at zero: {}", ehr["loss"]);
    assert_eq!(ehr["outages"]["p50"], 2.0);
    // The upper bound is the normal one: the mean plus its half-width.
    assert!(ehr["loss"]["ci95"][1].as_f64().unwrap() > ehr["loss"]["mean"].as_f64().unwrap());

    let text = stdout(&["run", path, "--trials", "10", "--seed", "5", "--plain"]);
    assert!(
        text.contains("95% CI £0 – "),
        "the total's interval starts at zero:\n{text}"
    );
    assert!(!text.contains("-£"), "no negative money:\n{text}");

    // Other seeds, few trials, a drill too.
    for seed in ["1", "2", "3"] {
        for trials in ["2", "7"] {
            let args = ["--trials", trials, "--seed", seed, "--format", "json"];
            let run: Vec<&str> = ["run", path].into_iter().chain(args).collect();
            assert_possible(&json(&run));
            let drill: Vec<&str> = ["drill", path, "--threat", "ransomware"]
                .into_iter()
                .chain(args)
                .collect();
            assert_possible(&json(&drill));
        }
    }
}

#[test]
fn the_csv_bounds_are_cut_too() {
    let path = scenario("hospital.yaml");
    let csv = stdout(&[
        "run",
        path.to_str().unwrap(),
        "--trials",
        "10",
        "--seed",
        "5",
        "--format",
        "csv",
    ]);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    for row in rows.records() {
        let row = row.unwrap();
        for (name, cell) in header.iter().zip(row.iter()) {
            if name.ends_with("_ci95_lo") && !cell.is_empty() {
                let lo: f64 = cell.parse().unwrap();
                assert!(lo >= 0.0, "{name} = {lo}");
            }
        }
    }
}

/// A scenario whose only option changes nothing and costs nothing: every
/// change, net benefit and interval of it is zero.
const FREE_NOTHING: &str = "name: Free nothing
components:
  - {id: app, kind: application, repair: 2h, failures: [{every: 30d}]}
  - {id: spare, kind: application, repair: 1h}
  - {id: shop, kind: service, depends_on: [app], rto: 4h, impact: {per_hour: 1000}}
threats:
  - {id: crash, hits: {components: [app]}, effect: damage, every: 1y}
options:
  - id: nothing
    cost: {upfront: 0, per_year: 0}
    changes:
      - set: {id: spare, repair: 3h}
";

/// Every number in `v`, with its path.
fn numbers(v: &Value, path: String, out: &mut Vec<(String, f64)>) {
    match v {
        Value::Number(n) => out.push((path, n.as_f64().expect("finite"))),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                numbers(x, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                numbers(x, format!("{path}.{k}"), out);
            }
        }
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

#[test]
fn an_option_with_no_effect_shows_no_minus_zero() {
    // Its net benefit was `-0.0` in the JSON and `-0` in the CSV.
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "nothing.yaml", FREE_NOTHING);
    let file = file.to_str().unwrap();
    let args = |format: &'static str| {
        [
            "compare", file, "--trials", "200", "--seed", "1", "--threat", "crash", "--format",
            format,
        ]
    };

    let text = stdout(&args("json"));
    assert!(!text.contains("-0.0"), "{text}");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["options"][0]["net_benefit"], 0.0);
    let mut all = Vec::new();
    numbers(&doc, String::new(), &mut all);
    for (path, x) in all {
        assert!(!(x == 0.0 && x.is_sign_negative()), "{path} is -0");
    }

    let csv = stdout(&args("csv"));
    for line in csv.lines() {
        assert!(line.split(',').all(|cell| cell != "-0"), "{line}");
    }
    let text = stdout(&args("text"));
    for minus_zero in ["-£0 ", "-0.0", "-0%", "-£0)"] {
        assert!(!text.contains(minus_zero), "{minus_zero} in\n{text}");
    }
    assert!(text.contains("£0 (£0 … £0)"), "{text}");
}

#[test]
fn a_tiny_horizon_is_not_printed_as_zero() {
    // `--horizon 0.001s` was titled "Risk over 0s".
    let path = scenario("hospital.yaml");
    let text = stdout(&[
        "run",
        path.to_str().unwrap(),
        "--trials",
        "2",
        "--horizon",
        "0.001s",
    ]);
    assert!(text.starts_with("Risk over 1ms: "), "{text}");
    // Below the shortest duration drsim resolves, the flag is refused and
    // named.
    let out = drsim()
        .args(["run", path.to_str().unwrap(), "--horizon", "0.0005s"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--horizon") && err.contains("0.001s"), "{err}");
}
