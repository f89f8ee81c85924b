//! `drsim export` and `drsim import`: every bundled scenario through CSV
//! files and through a workbook simulates exactly as the original; the
//! templates in examples/ are what export writes; a bad table is refused
//! with every problem placed at its cell, and nothing written.

use crate::common::{drsim, repo_file, scenario, stdout_of, write_temp};
use std::path::Path;

/// What `args` prints with the scenario at `file` appended.
fn output_for(args: &[&str], file: &Path) -> Vec<u8> {
    let mut all: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    all.push(file.as_os_str());
    stdout_of(all)
}

#[test]
fn every_bundled_scenario_round_trips_through_csv_and_xlsx_to_identical_output() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["hospital", "bank", "retail"] {
        let original = scenario(&format!("{name}.yaml"));
        let csv_dir = dir.path().join(name);
        let xlsx = dir.path().join(format!("{name}.xlsx"));
        let via_csv = dir.path().join(format!("{name}-csv.yaml"));
        let via_xlsx = dir.path().join(format!("{name}-xlsx.yaml"));
        for (to, back) in [(&csv_dir, &via_csv), (&xlsx, &via_xlsx)] {
            stdout_of([
                "export".as_ref(),
                original.as_os_str(),
                "--to".as_ref(),
                to.as_os_str(),
            ]);
            stdout_of([
                "import".as_ref(),
                to.as_os_str(),
                "-o".as_ref(),
                back.as_os_str(),
            ]);
        }
        let run = [
            "run", "--format", "json", "--trials", "300", "--seed", "7", "-q",
        ];
        let want = output_for(&run, &original);
        assert_eq!(output_for(&run, &via_csv), want, "{name} via CSV");
        assert_eq!(output_for(&run, &via_xlsx), want, "{name} via XLSX");
        // The options too: compare on common random numbers.
        if name == "hospital" {
            let compare = ["compare", "--format", "json", "--trials", "100", "-q"];
            let want = output_for(&compare, &original);
            assert_eq!(
                output_for(&compare, &via_csv),
                want,
                "{name} compare via CSV"
            );
            assert_eq!(
                output_for(&compare, &via_xlsx),
                want,
                "{name} compare via XLSX"
            );
        }
    }
}

#[test]
fn the_templates_in_examples_are_what_export_writes() {
    let dir = tempfile::tempdir().unwrap();
    let starter = repo_file("examples/starter.yaml");
    let csv_dir = dir.path().join("starter");
    let xlsx = dir.path().join("starter.xlsx");
    for to in [&csv_dir, &xlsx] {
        stdout_of([
            "export".as_ref(),
            starter.as_os_str(),
            "--to".as_ref(),
            to.as_os_str(),
        ]);
    }
    let committed = repo_file("examples/starter");
    let mut names: Vec<_> = std::fs::read_dir(&committed)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 14, "{names:?}");
    for n in &names {
        assert_eq!(
            std::fs::read(committed.join(n)).unwrap(),
            std::fs::read(csv_dir.join(n)).unwrap(),
            "examples/starter/{n:?} differs from what export writes: run `drsim export examples/starter.yaml --to examples/starter`"
        );
    }
    assert_eq!(
        std::fs::read(repo_file("examples/starter.xlsx")).unwrap(),
        std::fs::read(&xlsx).unwrap(),
        "examples/starter.xlsx differs from what export writes"
    );
    // And init writes the same starter, its schema comment naming a schema
    // beside it.
    let init = String::from_utf8(stdout_of(["init"])).unwrap();
    let repo = std::fs::read_to_string(&starter).unwrap();
    assert!(
        init.starts_with("# yaml-language-server: $schema=scenario.schema.json\n# (editors"),
        "{init}"
    );
    assert!(repo.starts_with("# yaml-language-server: $schema=../schema/scenario.schema.json\n"));
    assert_eq!(
        init.lines().skip(2).collect::<Vec<_>>(),
        repo.lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn a_bad_table_is_refused_with_every_problem_at_its_cell_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let tables = dir.path().join("t");
    std::fs::create_dir(&tables).unwrap();
    let t = |name: &str, text: &str| std::fs::write(tables.join(name), text).unwrap();
    t("scenario.csv", "name\nDemo\n");
    t(
        "components.csv",
        "id,kind,repair,colour\ndb,database,2\nshop,service,\n",
    );
    t(
        "dependencies.csv",
        "component,requires\nshop,db\nshop,2 off db\nshpo,db\n",
    );
    let out = dir.path().join("out.yaml");
    let assert = drsim()
        .args([
            "import".as_ref(),
            tables.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let at = |file: &str, rest: &str| format!("{}, {rest}", tables.join(file).display());
    for want in [
        at(
            "components.csv",
            "row 1, column colour: unknown column `colour`",
        ),
        at("components.csv", "row 2, column repair: `2` has no unit"),
        at(
            "dependencies.csv",
            "row 3, column requires: cannot read `2 off db` as a requirement",
        ),
        at(
            "dependencies.csv",
            "row 4, column component: unknown component `shpo`",
        ),
    ] {
        assert!(err.contains(&want), "wanted {want:?} in:\n{err}");
    }
    assert!(err.contains("4 errors"), "{err}");
    assert!(!out.exists(), "a scenario was written");
}

#[test]
fn export_takes_a_directory_or_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let hospital = scenario("hospital.yaml");
    drsim()
        .args([
            "export".as_ref(),
            hospital.as_os_str(),
            "--to".as_ref(),
            dir.path().join("x.csv").as_os_str(),
        ])
        .assert()
        .code(2);
    let file = write_temp(&dir, "file", "x");
    drsim()
        .args([
            "export".as_ref(),
            hospital.as_os_str(),
            "--to".as_ref(),
            file.as_os_str(),
        ])
        .assert()
        .code(2);
    // An invalid scenario is not exported.
    let bad = write_temp(
        &dir,
        "bad.yaml",
        "name: x\ncomponents: [{id: a, kind: service, repair: 4}]\n",
    );
    drsim()
        .args([
            "export".as_ref(),
            bad.as_os_str(),
            "--to".as_ref(),
            dir.path().join("out").as_os_str(),
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("has no unit"));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn the_readme_lists_every_table_and_column() {
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    for t in drsim::scenario::tables::TABLES {
        let columns: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
        let row = format!("| `{}` |", t.name);
        let line = readme
            .lines()
            .find(|l| l.starts_with(&row))
            .unwrap_or_else(|| panic!("the README's Spreadsheets table has no row for {}", t.name));
        assert!(
            line.ends_with(&format!("| {} |", columns.join(", "))),
            "{line}"
        );
    }
}
