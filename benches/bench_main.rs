//! Criterion benches: `cargo bench`. Groups: load (parse + validate +
//! compile), run_trial, drill_trial (throughput in simulated events), and
//! runner (throughput in trials, 1 vs 2 threads), estate (sensitivity and
//! compare at 1,000 and 10,000 components).

use criterion::{criterion_group, criterion_main};

mod benchmarks;

criterion_group!(
    benches,
    benchmarks::engine::parse_validate_compile,
    benchmarks::engine::one_run_trial,
    benchmarks::engine::one_drill_trial,
    benchmarks::engine::runner,
    benchmarks::estate::large_estates
);
criterion_main!(benches);
