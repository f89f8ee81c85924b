use super::*;

const BUNDLED: [(&str, &str); 4] = [
    ("hospital", include_str!("../../../scenarios/hospital.yaml")),
    ("bank", include_str!("../../../scenarios/bank.yaml")),
    ("retail", include_str!("../../../scenarios/retail.yaml")),
    ("starter", include_str!("../../../examples/starter.yaml")),
];

/// A book of CSV tables in a directory called `dir`, from the text of
/// each file (as `read_csv_dir` would read them).
fn csv_book(files: &[(&str, &str)]) -> Book {
    let sheets = files
        .iter()
        .map(|(name, text)| {
            let mut records: Vec<Vec<String>> = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes())
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            let header = records.remove(0);
            Sheet {
                name: name.to_string(),
                header,
                rows: records
                    .into_iter()
                    .enumerate()
                    .map(|(i, cells)| Row {
                        number: i + 2,
                        cells,
                    })
                    .collect(),
                header_row: 1,
                first_column: 0,
                stray: Vec::new(),
            }
        })
        .collect();
    Book {
        sheets,
        source: Source::Csv("dir".into()),
    }
}

/// The smallest tables of a valid scenario, with `extra` tables added or
/// replacing these.
fn tables_with(extra: &[(&'static str, &'static str)]) -> Book {
    let mut files = vec![
        ("scenario", "name\nDemo\n"),
        (
            "components",
            "id,kind,repair\ndb,database,2h\nweb,server,1h\nshop,service,\n",
        ),
        ("dependencies", "component,requires\nshop,db\nshop,web\n"),
    ];
    for (name, text) in extra {
        files.retain(|(n, _)| n != name);
        files.push((name, text));
    }
    csv_book(&files)
}

fn errors(book: &Book) -> Vec<TableError> {
    match import(book, "test") {
        Ok(_) => panic!("imported"),
        Err(e) => e.0,
    }
}

#[test]
fn column_letters_count_as_a_spreadsheet_does() {
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
    assert_eq!(column_letter(27), "AB");
    assert_eq!(column_letter(701), "ZZ");
    assert_eq!(column_letter(702), "AAA");
}

#[test]
fn every_bundled_scenario_exports_to_tables_that_import_and_export_alike() {
    for (name, src) in BUNDLED {
        let book = export(src, name).unwrap();
        let back = import(&book, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = export(&back.yaml, name).unwrap();
        assert_eq!(again, book, "{name}: export, import, export differs");
    }
}

#[test]
fn the_smallest_tables_import() {
    let got = import(&tables_with(&[]), "test").unwrap();
    assert_eq!(got.loaded.scenario.components.len(), 3);
    assert!(got.yaml.contains("depends_on: [db, web]"), "{}", got.yaml);
}

#[test]
fn an_unknown_column_is_placed_at_its_heading_with_a_suggestion() {
    let e = errors(&tables_with(&[(
        "components",
        "id,kind,repiar\ndb,database,2h\nweb,server,1h\nshop,service,\n",
    )]));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].at, "dir/components.csv, row 1, column repiar");
    assert_eq!(e[0].message, "unknown column `repiar`");
    assert!(e[0].help.as_deref().unwrap().contains("repair"), "{e:?}");
}

#[test]
fn a_bad_duration_is_placed_at_its_cell() {
    let e = errors(&tables_with(&[(
        "components",
        "id,kind,repair\ndb,database,2\nweb,server,1 hour\nshop,service,\n",
    )]));
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e[0].at, "dir/components.csv, row 2, column repair");
    assert!(e[0].message.contains("`2` has no unit"), "{e:?}");
    assert_eq!(e[1].at, "dir/components.csv, row 3, column repair");
    assert!(e[1].message.contains("unknown unit `hour`"), "{e:?}");
}

#[test]
fn an_unknown_id_is_placed_where_it_is_named() {
    // As a row's owner, and inside a requirement (found by validation).
    let e = errors(&tables_with(&[(
        "dependencies",
        "component,requires\nshop,db\nshpo,web\nshop,2 of web dbb\n",
    )]));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].at, "dir/dependencies.csv, row 3, column component");
    assert!(e[0].message.contains("unknown component `shpo`"), "{e:?}");
    assert!(e[0].help.as_deref().unwrap().contains("`shop`"), "{e:?}");
    let e = errors(&tables_with(&[(
        "dependencies",
        "component,requires\nshop,db\nshop,2 of web dbb\n",
    )]));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].at, "dir/dependencies.csv, row 3, column requires");
    assert!(e[0].message.contains("unknown component `dbb`"), "{e:?}");
}

#[test]
fn a_bad_group_is_placed_at_its_cell_with_the_syntax() {
    let e = errors(&tables_with(&[(
        "dependencies",
        "component,requires\nshop,db\nshop,two of web db\nshop,failover db web after\n",
    )]));
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e[0].at, "dir/dependencies.csv, row 3, column requires");
    assert!(e[0].message.contains("not a whole number"), "{e:?}");
    assert!(
        e[0].help.as_deref().unwrap().contains("2 of app-1"),
        "{e:?}"
    );
    assert_eq!(e[1].at, "dir/dependencies.csv, row 4, column requires");
    assert!(e[1].message.contains("`after` needs a value"), "{e:?}");
}

#[test]
fn validation_errors_are_placed_at_the_row_they_came_from() {
    // A team of no one: found by validation, placed at its cell.
    let e = errors(&tables_with(&[
        ("teams", "id,size\nops,0\n"),
        (
            "components",
            "id,kind,repair,team\ndb,database,2h,ops\nweb,server,1h,\nshop,service,,\n",
        ),
    ]));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].at, "dir/teams.csv, row 2, column size");
    // A cycle: placed at the component it starts from, naming the loop.
    let e = errors(&tables_with(&[(
        "dependencies",
        "component,requires\nshop,db\nshop,web\ndb,shop\n",
    )]));
    assert_eq!(e[0].message, "dependency cycle: db -> shop -> db", "{e:?}");
    assert_eq!(e[0].at, "dir/components.csv, row 2", "{e:?}");
}

#[test]
fn tables_and_rows_that_cannot_be_read_say_so() {
    let e = errors(&tables_with(&[("sties", "id\nx\n")]));
    assert!(e[0].message.contains("not a table"), "{e:?}");
    assert!(e[0].help.as_deref().unwrap().contains("sites"), "{e:?}");
    let mut book = tables_with(&[]);
    book.sheets.retain(|s| s.name != "components");
    book.sheets.retain(|s| s.name != "dependencies");
    let e = errors(&book);
    assert_eq!(e[0].message, "no table `components`", "{e:?}");
    let e = errors(&tables_with(&[("scenario", "name\nA\nB\n")]));
    assert_eq!(e[0].at, "dir/scenario.csv, row 3");
    let e = errors(&tables_with(&[(
        "services",
        "service,rto\nshop,4h\nshop,2h\n",
    )]));
    assert_eq!(e[0].at, "dir/services.csv, row 3, column service");
    let e = errors(&tables_with(&[
        ("backups", "component,every,restore\ndb,1h,30m\n"),
        (
            "components",
            "id,kind,repair,holds_data\ndb,database,2h,false\nweb,server,1h,\nshop,service,,\n",
        ),
    ]));
    assert_eq!(e[0].at, "dir/components.csv, row 2, column holds_data");
}

#[test]
fn a_workbook_names_cells_by_letter() {
    let mut book = tables_with(&[(
        "components",
        "id,kind,repair\ndb,database,2\nweb,server,1h\nshop,service,\n",
    )]);
    book.source = Source::Xlsx("estate.xlsx".into());
    let e = errors(&book);
    assert_eq!(e[0].at, "estate.xlsx, sheet components, cell C2 (repair)");
}

#[test]
fn text_a_spreadsheet_would_run_survives_the_round_trip_as_text() {
    let src = "name: \"=HYPERLINK(\\\"http://x\\\")\"\ncomponents:\n  - {id: a, kind: service, name: \"'quoted\", repair: 1h}\n";
    let book = export(src, "t").unwrap();
    let files = write_csv_dir(&book);
    let scenario = &files.iter().find(|(n, _)| n == "scenario.csv").unwrap().1;
    let text = String::from_utf8(scenario.clone()).unwrap();
    assert!(text.contains("\"'=HYPERLINK"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let back = read_csv_dir(dir.path()).unwrap();
    let imported = import(&back, "t").unwrap();
    assert_eq!(imported.loaded.scenario.name, "=HYPERLINK(\"http://x\")");
    assert_eq!(
        imported.loaded.scenario.components[0].name.as_deref(),
        Some("'quoted")
    );
}

#[test]
fn a_workbook_reads_back_as_it_was_written() {
    for (name, src) in BUNDLED {
        let book = export(src, name).unwrap();
        let bytes = write_xlsx(&book).unwrap();
        assert_eq!(
            bytes,
            write_xlsx(&book).unwrap(),
            "{name}: not reproducible"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        std::fs::write(&path, bytes).unwrap();
        let mut back = read_xlsx(&path).unwrap();
        back.source = Source::Memory;
        // Empty cells at the end of a row are not in the workbook.
        for (a, b) in back.sheets.iter_mut().zip(&book.sheets) {
            for (ra, rb) in a.rows.iter_mut().zip(&b.rows) {
                ra.cells.resize(rb.cells.len(), String::new());
            }
        }
        assert_eq!(back, book, "{name}");
    }
}

/// Export, then import from the CSV files: the scenario text import wrote.
fn round_trip(src: &str) -> String {
    let book = export(src, "t").unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in write_csv_dir(&book) {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let back = read_csv_dir(dir.path()).unwrap();
    import(&back, "t").unwrap_or_else(|e| panic!("{e}")).yaml
}

#[test]
fn odd_but_valid_scenarios_round_trip() {
    // A hit group of one with its own chance stays a list.
    let y = round_trip("name: x\ncomponents: [{id: db, kind: service}]\nthreats: [{id: t, hits: [{components: [db], chance: 0.5}], effect: disrupt, duration: 1h}]\n");
    assert!(y.contains("hits: [{components: [db], chance: 0.5}]"), "{y}");
    // Numbers in text fields are the text the loader reads (1.0 is "1").
    let y = round_trip("name: x\ncomponents: [{id: db, kind: service, tags: [1.0, 2e3]}]\n");
    assert!(y.contains("tags: [\"1\", \"2000\"]"), "{y}");
    // `data: ~` is no data; explicit nulls are keys left out.
    let y = round_trip("name: x\nhorizon: ~\ncomponents: [{id: db, kind: service, data: ~, rebuild: ~, priority: ~}]\n");
    assert!(
        !y.contains("data:") && !y.contains("horizon:") && !y.contains("rebuild:"),
        "{y}"
    );
    // Empty changes, and text YAML would fold or refuse raw.
    let y = round_trip("name: \"a\\u2028b\\uFEFFc  \"\ncomponents: [{id: db, kind: service}]\noptions: [{id: o, changes: [{remove: []}, {add: []}]}]\n");
    let loaded = crate::scenario::load_str(&y, "t").unwrap();
    assert_eq!(loaded.scenario.name, "a\u{2028}b\u{feff}c  ");
    assert!(
        y.contains("- {remove: []}") || y.contains("{remove: []}"),
        "{y}"
    );
}

#[test]
fn aliases_are_refused_in_cells() {
    let e = errors(&tables_with(&[(
        "components",
        "id,kind,repair,tags\ndb,database,2h,\"[&a [x, x], *a, *a]\"\nweb,server,1h,\nshop,service,,\n",
    )]));
    assert!(e[0].message.contains("alias"), "{e:?}");
    assert_eq!(e[0].at, "dir/components.csv, row 2, column tags");
}

#[test]
fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scenario.csv"), "name\n\"Two\nlines\"\n").unwrap();
    std::fs::write(
        dir.path().join("components.csv"),
        "id,kind,repair\n\ndb,database,2h\n\n\nshop,service,4\n",
    )
    .unwrap();
    let e = errors(&read_csv_dir(dir.path()).unwrap());
    assert!(
        e[0].at.ends_with("components.csv, row 6, column repair"),
        "{e:?}"
    );
}

#[test]
fn a_lone_cell_far_away_in_a_workbook_costs_nothing_and_is_placed() {
    // A cell at the workbook's last row and column, right of the headings.
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [
        ("scenario", vec![vec!["name"], vec!["x"]]),
        (
            "components",
            vec![vec!["id", "kind"], vec!["db", "service"]],
        ),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
        if name == "components" {
            ws.write_string(1_048_575, 16_383, "far").unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.xlsx");
    std::fs::write(&path, wb.save_to_buffer().unwrap()).unwrap();
    let e = errors(&read_xlsx(&path).unwrap());
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].at.ends_with("sheet components, row 1048576"), "{e:?}");
    assert!(
        e[0].message
            .contains("right of the last heading (column XFD)"),
        "{e:?}"
    );
}

#[test]
fn a_line_separator_in_the_source_name_stays_in_the_comment() {
    let got = import(&tables_with(&[]), "x\u{2028}horizon: 50y #").unwrap();
    assert!(
        got.yaml
            .starts_with("# Imported by `drsim import` from x\\u{2028}horizon: 50y #."),
        "{}",
        got.yaml
    );
    assert_eq!(got.loaded.scenario.horizon, crate::scenario::HOURS_PER_YEAR);
}
