//! Large estates: `sensitivity` (by class, the default) and `compare` (the
//! single options and the package) on the layered estate of
//! [`enterprise`] with its options, at 1,000 and 10,000 components. The
//! same estate as `cargo run --release --example estate -- N --options`.

use super::factories::{enterprise, ENTERPRISE_OPTIONS};
use criterion::{BenchmarkId, Criterion};
use drsim::scenario::load_str;
use drsim::sim::{self, Metric, NoProgress, Plan};
use std::hint::black_box;

pub fn large_estates(c: &mut Criterion) {
    let mut group = c.benchmark_group("estate");
    group.sample_size(10);
    // Few trials at 10,000 components: each bench still takes seconds.
    for (n, trials) in [(1_000, 200), (10_000, 20)] {
        let loaded =
            load_str(&(enterprise(n) + ENTERPRISE_OPTIONS), "bench").expect("the estate is valid");
        let (s, options) = (&loaded.scenario, &loaded.options);
        let config = sim::Config::new(trials, 1, 0).expect("at least 2 trials");
        group.bench_function(BenchmarkId::new("sensitivity", n), |b| {
            b.iter(|| {
                black_box(
                    sim::sensitivity(s, &Metric::Ale, None, &config, &NoProgress)
                        .expect("runs")
                        .inputs
                        .len(),
                )
            })
        });
        let plan = Plan::new(options, None, false);
        group.bench_function(BenchmarkId::new("compare", n), |b| {
            b.iter(|| {
                black_box(
                    sim::compare(s, options, &plan, None, &[], &config, &NoProgress)
                        .expect("runs")
                        .trials,
                )
            })
        });
    }
    group.finish();
}
