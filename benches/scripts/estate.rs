//! Writes a layered estate of about N components as a scenario file, so
//! anyone can reproduce the large-estate figures (README, "Large estates"):
//!
//! ```text
//! cargo run --release --example estate -- 1000 > estate-1000.yaml
//! cargo run --release --example estate -- 10000 --options > estate-10000.yaml
//! ```
//!
//! Two sites with grid power, UPS and core networks; racks of servers;
//! databases with two backup tiers in failover pairs across the sites;
//! application clusters (2 of 3) on the servers; services on them; three
//! teams; a site fire, regional power cuts, ransomware and two supplier
//! outages. `--options` adds three investment options (a bigger
//! infrastructure team, a faster DBA team, a supplier with a second
//! carrier) for `compare`. The same estate the benches use
//! (`benches/benchmarks/factories.rs`).

#[allow(dead_code)]
#[path = "../benchmarks/factories.rs"]
mod factories;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: estate N [--options] > estate.yaml  (N: about how many components, 20 to 1000000)";
    let mut n = None;
    let mut options = false;
    for a in &args {
        match a.as_str() {
            "--options" => options = true,
            "-h" | "--help" => {
                println!("{usage}");
                return ExitCode::SUCCESS;
            }
            text => match text.parse::<usize>() {
                Ok(v) if (20..=1_000_000).contains(&v) && n.is_none() => n = Some(v),
                _ => {
                    eprintln!("error: `{text}` is not understood\n{usage}");
                    return ExitCode::from(1);
                }
            },
        }
    }
    let Some(n) = n else {
        eprintln!("error: give the number of components\n{usage}");
        return ExitCode::from(1);
    };
    let mut yaml = factories::enterprise(n);
    if options {
        yaml.push_str(factories::ENTERPRISE_OPTIONS);
    }
    match std::io::stdout().lock().write_all(yaml.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
