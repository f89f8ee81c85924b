//! Engine benches: parse + validate + compile, one trial of `run` and of
//! `drill`, and the whole parallel runner on 1 and 2 threads. Throughput is
//! reported in simulated events, so the time per event can be read off.

use super::factories::{enterprise, pairs};
use criterion::{BenchmarkId, Criterion, Throughput};
use drsim::graph::DependencyGraph;
use drsim::scenario::{load_str, Scenario};
use drsim::sim::{self, Mode, Model, NoProgress, Trial};
use std::hint::black_box;

fn load(yaml: &str) -> Scenario {
    load_str(yaml, "bench")
        .expect("bench scenarios are valid")
        .scenario
}

fn compile(s: &Scenario) -> Model {
    Model::compile(s, &DependencyGraph::build(s))
}

/// Mean events per trial over `trials` trials.
fn events_per_trial(model: &Model, mode: Mode, trials: u64) -> u64 {
    let mut trial = Trial::new(model);
    let mut events = 0;
    for t in 0..trials {
        trial.run(1, t, mode);
        events += trial.events;
    }
    (events / trials).max(1)
}

pub fn parse_validate_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    for n in [100, 1_000, 10_000] {
        let yaml = enterprise(n);
        let components = load(&yaml).components.len() as u64;
        group.throughput(Throughput::Elements(components));
        group.bench_with_input(BenchmarkId::new("enterprise", n), &yaml, |b, yaml| {
            b.iter(|| compile(&load(black_box(yaml))))
        });
    }
    group.finish();
}

pub fn one_run_trial(c: &mut Criterion) {
    let mut group = c.benchmark_group("run_trial");
    let cases: Vec<(&str, usize, String)> = [10, 100, 1_000, 10_000]
        .into_iter()
        .map(|n| ("pairs", n, pairs(n)))
        .chain(
            [100, 1_000, 10_000]
                .into_iter()
                .map(|n| ("enterprise", n, enterprise(n))),
        )
        .collect();
    for (name, n, yaml) in &cases {
        let s = load(yaml);
        let model = compile(&s);
        let mode = Mode::Run { horizon: s.horizon };
        group.throughput(Throughput::Elements(events_per_trial(&model, mode, 20)));
        let mut trial = Trial::new(&model);
        let mut t = 0u64;
        group.bench_function(BenchmarkId::new(*name, n), |b| {
            b.iter(|| {
                t += 1;
                trial.run(1, t, mode);
                black_box(trial.services[0].downtime)
            })
        });
    }
    group.finish();
}

pub fn one_drill_trial(c: &mut Criterion) {
    let mut group = c.benchmark_group("drill_trial");
    for n in [100, 1_000, 10_000] {
        let s = load(&enterprise(n));
        let model = compile(&s);
        for threat in ["fire-a", "ransomware"] {
            let mode = Mode::Drill {
                threat: s.threat_index(threat).expect("the factory defines it") as u32,
            };
            group.throughput(Throughput::Elements(events_per_trial(&model, mode, 20)));
            let mut trial = Trial::new(&model);
            let mut t = 0u64;
            group.bench_function(BenchmarkId::new(format!("enterprise-{threat}"), n), |b| {
                b.iter(|| {
                    t += 1;
                    trial.run(1, t, mode);
                    black_box(trial.services[0].recovered_at)
                })
            });
        }
    }
    group.finish();
}

pub fn runner(c: &mut Criterion) {
    let mut group = c.benchmark_group("runner");
    group.sample_size(10);
    let s = load(&enterprise(1_000));
    let model = compile(&s);
    let mode = Mode::Run { horizon: s.horizon };
    // 16 chunks of 256 trials: enough for the threads to share the work
    // evenly whatever the cost of single chunks.
    let trials = 4096;
    group.throughput(Throughput::Elements(trials));
    for threads in [1, 2] {
        let config = sim::Config::new(trials, 1, threads).expect("at least 2 trials");
        group.bench_function(
            BenchmarkId::new("enterprise-1000-run-trials", threads),
            |b| {
                b.iter(|| {
                    black_box(
                        sim::simulate(&model, mode, &config, &NoProgress)
                            .expect("runs")
                            .trials,
                    )
                })
            },
        );
    }
    group.finish();
}
