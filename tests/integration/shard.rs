//! Shards and merge: `--shard I/N` on drill, run, compare and sensitivity
//! writes a part; `drsim merge` of every part prints, byte for byte, what
//! one machine prints; parts that do not belong together are refused with
//! the reason.

use crate::common::{drsim, repo_file, scenario, stdout_of, write_temp};
use std::path::{Path, PathBuf};

/// What one machine prints for `args` (with `--format json` and `-q`
/// added, and `extra`).
fn single(args: &[&str], extra: &[&str]) -> Vec<u8> {
    stdout_of(args.iter().chain(extra).chain(&["-q"]))
}

/// Runs `args` as `count` shards writing parts into `dir`, in reverse order
/// (the order shards run in does not matter); returns the parts.
fn shards(dir: &Path, args: &[&str], count: u32) -> Vec<PathBuf> {
    let mut parts = Vec::new();
    for i in (1..=count).rev() {
        let part = dir.join(format!("part-{i}-of-{count}.drsim"));
        drsim()
            .args(args)
            .args(["--shard", &format!("{i}/{count}"), "-q", "-o"])
            .arg(&part)
            .assert()
            .success();
        parts.push(part);
    }
    parts
}

/// What `drsim merge` prints for `parts` with `extra` arguments.
fn merge(parts: &[PathBuf], extra: &[&str]) -> Vec<u8> {
    let out = drsim()
        .arg("merge")
        .args(parts)
        .args(extra)
        .args(["-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Merging 2, 3 and 7 shards of `args` prints what one machine does.
fn merges_like_one_machine(args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let whole = single(args, &["--format", "json"]);
    for count in [2, 3, 7] {
        let parts = shards(dir.path(), args, count);
        let merged = merge(&parts, &["--format", "json"]);
        assert!(
            merged == whole,
            "{count} shards of {args:?} merge to other figures:\n{}",
            String::from_utf8_lossy(&merged)
        );
    }
}

#[test]
fn a_run_merged_from_shards_is_the_run_byte_for_byte() {
    // The hospital's rare threats: a stratified design, shared by the shards.
    let s = scenario("hospital.yaml");
    merges_like_one_machine(&["run", s.to_str().unwrap(), "--trials", "2000", "--explain"]);
}

#[test]
fn a_drill_merged_from_shards_is_the_drill_byte_for_byte() {
    let s = scenario("hospital.yaml");
    merges_like_one_machine(&[
        "drill",
        s.to_str().unwrap(),
        "--threat",
        "ransomware",
        "--trials",
        "2000",
    ]);
}

#[test]
fn a_comparison_merged_from_shards_is_the_comparison_byte_for_byte() {
    let s = scenario("bank.yaml");
    merges_like_one_machine(&[
        "compare",
        s.to_str().unwrap(),
        "--trials",
        "1000",
        "--horizon",
        "8w",
    ]);
}

#[test]
fn a_sensitivity_merged_from_shards_is_the_sensitivity_byte_for_byte() {
    let s = scenario("retail.yaml");
    // Eight weeks: the same chunks and merge, a sixth of the events.
    merges_like_one_machine(&[
        "sensitivity",
        s.to_str().unwrap(),
        "--trials",
        "800",
        "--horizon",
        "8w",
    ]);
}

/// More shards than chunks of 256 trials: some shards run none, and the
/// merge is still the whole run.
#[test]
fn shards_past_the_chunks_run_nothing_and_still_merge() {
    let s = scenario("retail.yaml");
    merges_like_one_machine(&["run", s.to_str().unwrap(), "--trials", "300"]);
}

/// A greedy package search (seven options: 128 sets) chooses each step from
/// all the trials' results: the shards run the first pass, the merge the
/// steps, and the package is the one machine's.
#[test]
fn a_greedy_package_search_runs_in_the_merge_and_matches_one_machine() {
    let mut yaml = String::from("name: Seven\nhorizon: 1y\ncomponents:\n");
    let mut options = String::from("options:\n");
    for i in 0..7 {
        yaml += &format!(
            "  - {{id: db{i}, kind: database, repair: {{exp: 20h}}, failures: [{{every: 500h}}]}}\n  - {{id: svc{i}, kind: service, depends_on: [db{i}], impact: {{per_hour: 100}}}}\n"
        );
        let cost = if i % 2 == 0 { 20_000 } else { 45_000 };
        options += &format!(
            "  - id: standby-{i}\n    cost: {{per_year: {cost}}}\n    changes:\n      - add: [{{id: s{i}, kind: database, repair: {{exp: 20h}}, failures: [{{every: 500h}}]}}]\n      - set: {{id: svc{i}, depends_on: [{{failover: [db{i}, s{i}], switchover: 6m}}]}}\n"
        );
    }
    yaml += &options;
    let dir = tempfile::tempdir().unwrap();
    let s = write_temp(&dir, "seven.yaml", yaml);
    let args = ["compare", s.to_str().unwrap(), "--trials", "600"];
    let whole = single(&args, &["--format", "json"]);
    assert!(String::from_utf8_lossy(&whole).contains("\"greedy\""));
    let parts = shards(dir.path(), &args, 3);
    assert_eq!(merge(&parts, &["--format", "json"]), whole);
}

/// The merge prints in the shards' format unless told otherwise, and
/// writes `-o` as the command would.
#[test]
fn the_merge_prints_in_the_shards_format_or_the_one_asked() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario("retail.yaml");
    let args = [
        "run",
        s.to_str().unwrap(),
        "--trials",
        "600",
        "--format",
        "csv",
    ];
    let parts = shards(dir.path(), &args, 2);
    assert_eq!(merge(&parts, &[]), single(&args, &[]));
    let text = single(&["run", s.to_str().unwrap(), "--trials", "600"], &[]);
    assert_eq!(merge(&parts, &["--format", "text"]), text);
    let out = dir.path().join("merged.txt");
    merge(&parts, &["--format", "text", "-o", out.to_str().unwrap()]);
    assert_eq!(std::fs::read(&out).unwrap(), text);
}

/// Runs `drsim merge parts` and returns its error, checking exit code 1.
fn refused(parts: &[&Path]) -> String {
    let out = drsim().arg("merge").args(parts).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn parts_that_do_not_belong_together_are_refused_and_the_reason_named() {
    let dir = tempfile::tempdir().unwrap();
    let retail = scenario("retail.yaml");
    let r = retail.to_str().unwrap();
    let part = |name: &str, args: &[&str], slice: &str| {
        let path = dir.path().join(name);
        drsim()
            .args(args)
            .args(["--shard", slice, "-q", "-o"])
            .arg(&path)
            .assert()
            .success();
        path
    };
    let a1 = part("a1", &["run", r, "--trials", "600"], "1/2");
    let a2 = part("a2", &["run", r, "--trials", "600"], "2/2");
    let seed = part("seed", &["run", r, "--trials", "600", "--seed", "2"], "2/2");
    let three = part("three", &["run", r, "--trials", "600"], "2/3");
    let bank = scenario("bank.yaml");
    let other = part(
        "other",
        &["run", bank.to_str().unwrap(), "--trials", "600"],
        "2/2",
    );
    let drill = part(
        "drill",
        &[
            "drill",
            r,
            "--threat",
            "cloud-region-outage",
            "--trials",
            "600",
        ],
        "2/2",
    );

    let err = refused(&[&a1, &seed]);
    assert!(
        err.contains("other settings") && err.contains("seed"),
        "{err}"
    );
    let err = refused(&[&a1, &three]);
    assert!(err.contains("one of 3 shards, not of 2"), "{err}");
    let err = refused(&[&a1, &other]);
    assert!(err.contains("another scenario"), "{err}");
    let err = refused(&[&a1, &drill]);
    assert!(err.contains("a part of `drill`, not of `run`"), "{err}");
    let err = refused(&[&a1, &a1]);
    assert!(err.contains("both shard 1/2"), "{err}");
    let err = refused(&[&a1]);
    assert!(err.contains("shard 2 of 2 is missing"), "{err}");

    // Damaged: one byte flipped, or cut short.
    let mut bytes = std::fs::read(&a2).unwrap();
    let cut = write_temp(&dir, "cut", &bytes[..bytes.len() / 2]);
    let err = refused(&[&a1, &cut]);
    assert!(err.contains("damaged or truncated"), "{err}");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    let flipped = write_temp(&dir, "flipped", &bytes);
    let err = refused(&[&a1, &flipped]);
    assert!(err.contains("damaged or truncated"), "{err}");
    let err = refused(&[&a1, &retail]);
    assert!(err.contains("is not a drsim shard state"), "{err}");

    // Threads, output and progress do not matter: these belong together.
    let t2 = part(
        "t2",
        &["run", r, "--trials", "600", "--threads", "1"],
        "2/2",
    );
    drsim()
        .arg("merge")
        .args([&a1, &t2])
        .arg("-q")
        .assert()
        .success();
}

#[test]
fn a_shard_cannot_run_to_a_precision() {
    let s = scenario("retail.yaml");
    let out = drsim()
        .args([
            "run",
            s.to_str().unwrap(),
            "--precision",
            "5%",
            "--shard",
            "1/2",
            "-o",
        ])
        .arg(repo_file("target/never-written.drsim"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot run to a --precision"), "{err}");
    assert!(!repo_file("target/never-written.drsim").exists());
}

#[test]
fn a_shard_is_given_as_i_of_n() {
    let s = scenario("retail.yaml");
    for bad in ["0/2", "3/2", "2", "1/0", "x/y"] {
        let out = drsim()
            .args(["run", s.to_str().unwrap(), "--shard", bad])
            .output()
            .unwrap();
        assert!(!out.status.success(), "--shard {bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("give the shard as I/N"), "{err}");
    }
}

/// Runs `deploy/shard.sh` (or `script`) as one task of a cluster engine,
/// with the engine's environment `env`, for `args` writing into `parts`.
fn launch(script: &str, env: &[(&str, String)], parts: &Path, args: &[&str]) {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg(repo_file(script))
        .arg(parts)
        .args(args)
        .env("DRSIM", assert_cmd::cargo::cargo_bin("drsim"))
        .env("SLURM_SUBMIT_DIR", repo_file(""))
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("DRSIM_SHARD")
        .env_remove("DRSIM_SHARDS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{script} {env:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The parts `launch` wrote for `count` shards.
fn parts_in(dir: &Path, count: u32) -> Vec<PathBuf> {
    (1..=count)
        .map(|i| dir.join(format!("part-{i}-of-{count}.drsim")))
        .collect()
}

/// A cluster engine's environment for task `i` (from 1).
type TaskEnv = fn(u32) -> Vec<(&'static str, String)>;

/// Each engine's task number becomes its shard: a Kubernetes Indexed
/// Job's (from 0), a Slurm array's (from its --array minimum, through the
/// batch script), or DRSIM_SHARD's; the parts merge to one machine's run.
#[test]
fn the_launchers_give_each_task_its_shard_and_the_parts_merge() {
    let s = scenario("retail.yaml");
    let args = ["run", s.to_str().unwrap(), "--trials", "800"];
    let whole = single(&args, &[]);
    let engines: [(&str, TaskEnv); 3] = [
        ("deploy/shard.sh", |i| {
            vec![
                ("JOB_COMPLETION_INDEX", (i - 1).to_string()),
                ("DRSIM_SHARDS", "3".into()),
            ]
        }),
        ("deploy/slurm/drsim-array.sbatch", |i| {
            vec![
                ("SLURM_ARRAY_TASK_ID", (i + 4).to_string()),
                ("SLURM_ARRAY_TASK_MIN", "5".into()),
                ("SLURM_ARRAY_TASK_COUNT", "3".into()),
            ]
        }),
        ("deploy/shard.sh", |i| {
            vec![("DRSIM_SHARD", i.to_string()), ("DRSIM_SHARDS", "3".into())]
        }),
    ];
    for (script, env) in engines {
        let dir = tempfile::tempdir().unwrap();
        for i in 1..=3 {
            launch(script, &env(i), dir.path(), &args);
        }
        assert_eq!(merge(&parts_in(dir.path(), 3), &[]), whole, "{script}");
    }
}

/// The Kubernetes manifests agree with themselves and with the image: as
/// many pods as DRSIM_SHARDS says, the launcher where the Dockerfile puts
/// it, the merge reading that many parts; and the shards' command, run
/// locally as each pod would (paths and trials made local), merges to the
/// one machine's run.
#[test]
fn the_kubernetes_job_runs_as_many_shards_as_it_merges() {
    let text = std::fs::read_to_string(repo_file("deploy/kubernetes/drsim-shards.yaml")).unwrap();
    let job = serde_yaml_ng::Deserializer::from_str(&text)
        .map(|d| <serde_yaml_ng::Value as serde::Deserialize>::deserialize(d).unwrap())
        .find(|d| d["kind"] == "Job")
        .unwrap();
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    let count = spec["completions"].as_u64().unwrap();
    assert_eq!(spec["parallelism"].as_u64(), Some(count));
    let container = &spec["template"]["spec"]["containers"][0];
    let env = container["env"].as_sequence().unwrap();
    let shards = env.iter().find(|e| e["name"] == "DRSIM_SHARDS").unwrap();
    assert_eq!(shards["value"].as_str(), Some(count.to_string().as_str()));
    let command: Vec<String> = container["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let dockerfile = std::fs::read_to_string(repo_file("deploy/Dockerfile")).unwrap();
    assert!(dockerfile.contains(&format!("COPY deploy/shard.sh {}", command[0])));
    let merge_job =
        std::fs::read_to_string(repo_file("deploy/kubernetes/drsim-merge.yaml")).unwrap();
    assert!(merge_job.contains(&format!("part-*-of-{count}.drsim")));

    let dir = tempfile::tempdir().unwrap();
    let s = scenario("retail.yaml");
    let local: Vec<String> = command[2..]
        .iter()
        .map(|a| match a.as_str() {
            "/scenario/scenario.yaml" => s.to_str().unwrap().to_string(),
            "1000000" => "2000".to_string(),
            other => other.to_string(),
        })
        .collect();
    let local: Vec<&str> = local.iter().map(String::as_str).collect();
    for i in 0..count {
        launch(
            "deploy/shard.sh",
            &[
                ("JOB_COMPLETION_INDEX", i.to_string()),
                ("DRSIM_SHARDS", count.to_string()),
            ],
            dir.path(),
            &local,
        );
    }
    assert_eq!(
        merge(&parts_in(dir.path(), count as u32), &[]),
        single(&local, &[])
    );
}

/// A screened tornado (over 100 inputs): every shard and the merge screen
/// alike over the first trials (run whole), then shard the inputs kept;
/// the merge is the one machine's tornado, screening stated.
#[test]
fn a_screened_sensitivity_merges_like_one_machine() {
    let mut yaml = String::from("name: Many\nhorizon: 8w\ncomponents:\n");
    for i in 0..51 {
        let (repair, price) = (1 + i % 7, 10 * (i + 1) * (i + 1));
        yaml += &format!(
            "  - {{id: srv{i}, kind: server, repair: {{exp: {repair}h}}, failures: [{{every: 2000h}}]}}\n  - {{id: svc{i}, kind: service, depends_on: [srv{i}], impact: {{per_hour: {price}}}}}\n"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let s = write_temp(&dir, "many.yaml", yaml);
    let args = [
        "sensitivity",
        s.to_str().unwrap(),
        "--per-component",
        "--trials",
        "5120",
        "--top",
        "50",
    ];
    let whole = single(&args, &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&whole).unwrap();
    assert_eq!(doc["screening"]["trials"], 512, "{doc}");
    assert_eq!(doc["screening"]["inputs"], 102);
    let parts = shards(dir.path(), &args, 3);
    assert_eq!(merge(&parts, &["--format", "json"]), whole);
    let text = String::from_utf8(merge(&parts, &["--format", "text"])).unwrap();
    assert!(
        text.contains("Screened: all 102 inputs over the first 512 trials"),
        "{text}"
    );
}

/// A tornado cuts its inputs into batches by the memory their variants
/// take on so many threads; shards and their merge cut them alike whatever
/// their threads, so parts of machines with other core counts merge.
#[test]
fn shards_and_merge_on_other_thread_counts_cut_a_tornado_alike() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario("hospital.yaml");
    let r = s.to_str().unwrap();
    let args = ["sensitivity", r, "--trials", "300", "--horizon", "8w"];
    let whole = single(&args, &["--format", "json"]);
    let mut parts = Vec::new();
    for (i, threads) in [(1, "1024"), (2, "1")] {
        let part = dir.path().join(format!("p{i}"));
        drsim()
            .args(args)
            .args([
                "--threads",
                threads,
                "--shard",
                &format!("{i}/2"),
                "-q",
                "-o",
            ])
            .arg(&part)
            .assert()
            .success();
        parts.push(part);
    }
    assert_eq!(
        merge(&parts, &["--format", "json", "--threads", "3"]),
        whole
    );
}
