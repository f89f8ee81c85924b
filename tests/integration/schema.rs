//! The JSON Schema (`drsim schema`, committed as schema/scenario.schema.json):
//! every bundled scenario validates against it and names it in its first
//! line; files with a wrong key or value do not validate.
//!
//! The validator here implements the draft-07 keywords the schema uses and
//! refuses any other, so a keyword it does not know cannot pass unchecked.

use crate::common::{repo_file, stdout_of};
use serde_json::Value;

/// The first line of every bundled scenario.
const SCHEMA_LINE: &str = "# yaml-language-server: $schema=../schema/scenario.schema.json";

fn committed() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo_file("schema/scenario.schema.json")).unwrap(),
    )
    .unwrap()
}

/// Where `value` breaks `schema` (under `root`, for `$ref`), as key paths
/// and reasons; empty when it validates.
fn violations(root: &Value, schema: &Value, value: &Value, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Value::Object(keywords) = schema else {
        panic!("a schema that is not an object at {path}: {schema}");
    };
    for (keyword, arg) in keywords {
        match keyword.as_str() {
            "$schema" | "title" | "description" | "default" | "examples" | "definitions" => {}
            "$ref" => {
                let name = arg
                    .as_str()
                    .unwrap()
                    .strip_prefix("#/definitions/")
                    .expect("a local $ref");
                let target = &root["definitions"][name];
                assert!(!target.is_null(), "no definition {name}");
                out.extend(violations(root, target, value, path));
            }
            "type" => {
                let types: Vec<&str> = match arg {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                    _ => panic!("type {arg}"),
                };
                let ok = types.iter().any(|t| match *t {
                    "string" => value.is_string(),
                    "number" => value.is_number(),
                    "integer" => value.is_i64() || value.is_u64(),
                    "boolean" => value.is_boolean(),
                    "null" => value.is_null(),
                    "array" => value.is_array(),
                    "object" => value.is_object(),
                    other => panic!("type {other}"),
                });
                if !ok {
                    out.push(format!("{path}: {value} is not {types:?}"));
                }
            }
            "format" => match arg.as_str().unwrap() {
                "uint32" | "uint" | "uint64" => {
                    if value.is_number() && !value.is_u64() {
                        out.push(format!("{path}: {value} is not a whole number from 0"));
                    }
                }
                "int64" | "int" | "int32" => {
                    if value.is_number() && !value.is_i64() && !value.is_u64() {
                        out.push(format!("{path}: {value} is not a whole number"));
                    }
                }
                "double" | "float" => {}
                other => panic!("format {other}"),
            },
            "minimum" => {
                if let Some(x) = value.as_f64() {
                    if x < arg.as_f64().unwrap() {
                        out.push(format!("{path}: {x} is below {arg}"));
                    }
                }
            }
            "pattern" => {
                if let Some(s) = value.as_str() {
                    if !regex::Regex::new(arg.as_str().unwrap())
                        .unwrap()
                        .is_match(s)
                    {
                        out.push(format!("{path}: {s:?} does not match {arg}"));
                    }
                }
            }
            "const" => {
                if value != arg {
                    out.push(format!("{path}: {value} is not {arg}"));
                }
            }
            "enum" => {
                if !arg.as_array().unwrap().contains(value) {
                    out.push(format!("{path}: {value} is not one of {arg}"));
                }
            }
            "properties"
            | "required"
            | "additionalProperties"
            | "minProperties"
            | "maxProperties" => {
                let Some(object) = value.as_object() else {
                    continue;
                };
                match keyword.as_str() {
                    "properties" => {
                        for (k, sub) in arg.as_object().unwrap() {
                            if let Some(v) = object.get(k) {
                                out.extend(violations(root, sub, v, &format!("{path}.{k}")));
                            }
                        }
                    }
                    "required" => {
                        for k in arg.as_array().unwrap() {
                            if !object.contains_key(k.as_str().unwrap()) {
                                out.push(format!("{path}: no {k}"));
                            }
                        }
                    }
                    "additionalProperties" => {
                        let known = keywords.get("properties").and_then(Value::as_object);
                        for (k, v) in object {
                            if known.is_some_and(|p| p.contains_key(k)) {
                                continue;
                            }
                            match arg {
                                Value::Bool(false) => out.push(format!("{path}: unknown key {k}")),
                                Value::Bool(true) => {}
                                sub => out.extend(violations(root, sub, v, &format!("{path}.{k}"))),
                            }
                        }
                    }
                    "minProperties" if (object.len() as u64) < arg.as_u64().unwrap() => {
                        out.push(format!("{path}: fewer than {arg} keys"));
                    }
                    "maxProperties" if (object.len() as u64) > arg.as_u64().unwrap() => {
                        out.push(format!("{path}: more than {arg} keys"));
                    }
                    _ => {}
                }
            }
            "items" | "minItems" | "maxItems" => {
                let Some(items) = value.as_array() else {
                    continue;
                };
                match keyword.as_str() {
                    "items" => {
                        for (i, v) in items.iter().enumerate() {
                            out.extend(violations(root, arg, v, &format!("{path}[{i}]")));
                        }
                    }
                    "minItems" if (items.len() as u64) < arg.as_u64().unwrap() => {
                        out.push(format!("{path}: fewer than {arg} items"));
                    }
                    "maxItems" if (items.len() as u64) > arg.as_u64().unwrap() => {
                        out.push(format!("{path}: more than {arg} items"));
                    }
                    _ => {}
                }
            }
            "allOf" => {
                for sub in arg.as_array().unwrap() {
                    out.extend(violations(root, sub, value, path));
                }
            }
            "anyOf" | "oneOf" => {
                let passing = arg
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|sub| violations(root, sub, value, path).is_empty())
                    .count();
                let ok = if keyword == "anyOf" {
                    passing >= 1
                } else {
                    passing == 1
                };
                if !ok {
                    out.push(format!(
                        "{path}: {value} matches {passing} of the {keyword} forms"
                    ));
                }
            }
            other => panic!("the schema uses `{other}`, which this validator does not check"),
        }
    }
    out
}

fn yaml_file(path: &str) -> Value {
    serde_yaml_ng::from_str(&std::fs::read_to_string(repo_file(path)).unwrap()).unwrap()
}

#[test]
fn drsim_schema_prints_the_committed_schema() {
    let printed: Value = serde_json::from_slice(&stdout_of(["schema"])).unwrap();
    assert_eq!(printed, committed());
}

#[test]
fn every_bundled_scenario_names_the_schema_and_validates_against_it() {
    let schema = committed();
    for path in [
        "scenarios/hospital.yaml",
        "scenarios/bank.yaml",
        "scenarios/retail.yaml",
        "examples/starter.yaml",
    ] {
        let text = std::fs::read_to_string(repo_file(path)).unwrap();
        assert_eq!(text.lines().next(), Some(SCHEMA_LINE), "{path}");
        let v = violations(&schema, &schema, &yaml_file(path), "");
        assert!(v.is_empty(), "{path}: {v:#?}");
    }
}

#[test]
fn a_wrong_key_or_value_does_not_validate() {
    let schema = committed();
    let base = "name: x\ncomponents:\n  - {id: a, kind: service, repair: 4h}\n";
    assert!(violations(
        &schema,
        &schema,
        &serde_yaml_ng::from_str(base).unwrap(),
        ""
    )
    .is_empty());
    for (bad, says) in [
        ("name: x\ncomponents:\n  - {id: a, kind: service, repiar: 4h}\n", "unknown key repiar"),
        ("name: x\ncomponents:\n  - {id: a, kind: service, repair: 4}\n", ".repair"),
        ("name: x\ncomponents:\n  - {id: a, kind: servce}\n", ".kind"),
        ("name: x\ncomponents:\n  - {id: a, kind: service, repair: {lognormal: [1h]}}\n", ".repair"),
        ("name: x\ncomponents:\n  - {id: a, kind: service, depends_on: [{at_least: 2}]}\n", "depends_on[0]"),
        ("components: [{id: a, kind: service}]\n", "no \"name\""),
        ("name: x\ncomponents: [{id: a, kind: service}]\nthreats: [{id: t, hits: {site: [x]}, effect: destroy}]\n", "threats[0].hits"),
        ("name: x\ncomponents: [{id: a, kind: service}]\noptions: [{id: o, changes: [{add: [], set: {id: a}}]}]\n", "more than 1 keys"),
    ] {
        let v = violations(&schema, &schema, &serde_yaml_ng::from_str(bad).unwrap(), "");
        assert!(v.iter().any(|m| m.contains(says)), "{bad}: wanted {says:?} in {v:#?}");
    }
}
