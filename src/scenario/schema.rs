//! The JSON Schema of the scenario format (`drsim schema`), generated from
//! the serde types in `raw` and `options`, so that it follows them. The
//! types serde reads by hand (durations, distributions, hits,
//! requirements, and text that may be written as a number) describe their
//! schema here, next to one another.
//!
//! The schema checks the shape of a file as an editor can while it is
//! typed (keys, types, forms of a distribution); what needs the whole file
//! (ids that exist, ranges, cycles) is `drsim check`'s.

use super::raw::{RawHits, RawRequirement, RawScenario, RawSelector};
use super::units::{Dist, Hours};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

/// The schema's `$id`: where the committed copy lives in the repository.
pub const SCHEMA_PATH: &str = "schema/scenario.schema.json";

/// The JSON Schema (draft-07, which editors' YAML support reads) of a
/// scenario file, as pretty JSON ending in a newline.
pub fn schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut root = generator.into_root_schema_for::<RawScenario>();
    root.insert("title".into(), "drsim scenario".into());
    root.insert(
        "description".into(),
        "A drsim scenario: the estate's dependency graph, its recovery targets, backups and threats \
         (see the README's section on the scenario format). `drsim check` validates what a schema \
         cannot: that ids exist, ranges, and that the graph has no cycle."
            .into(),
    );
    let mut text = serde_json::to_string_pretty(&root).expect("a schema serializes");
    text.push('\n');
    text
}

/// Text (an id, a name, a tag): any scalar, read as its text (`2024` is
/// the text "2024"; see `text`).
pub(super) struct Text;

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Text; a number or true/false is read as its text.",
            "type": ["string", "number", "boolean", "null"]
        })
    }
}

/// An option's `set`: the id of the item to change and the keys that
/// replace its own.
pub(super) struct SetItem;

impl JsonSchema for SetItem {
    fn schema_name() -> Cow<'static, str> {
        "SetItem".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The id of a component, team, threat or site, and the keys that replace its own, e.g. {id: dba, size: 3}.",
            "type": "object",
            "required": ["id"],
            "properties": { "id": generator.subschema_for::<Text>() }
        })
    }
}

/// The pattern every duration matches (the units of `units`).
const DURATION_PATTERN: &str = r"^\s*[-+0-9.e]+\s*[smhdwy]\s*$";

impl JsonSchema for Hours {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration with a unit: s, m (minutes), h, d, w or y (365 days), e.g. 90m, 1.5h, 2d. A bare number is an error.",
            "type": "string",
            "pattern": DURATION_PATTERN,
            "examples": ["4h", "15m", "2d"]
        })
    }
}

impl JsonSchema for Dist {
    fn schema_name() -> Cow<'static, str> {
        "Distribution".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let d = generator.subschema_for::<Hours>();
        let pair = json_schema!({"type": "array", "items": d, "minItems": 2, "maxItems": 2});
        let one = |key: &str, value: Schema, about: &str| {
            json_schema!({
                "type": "object",
                "description": about,
                "properties": { key: value },
                "required": [key],
                "additionalProperties": false
            })
        };
        json_schema!({
            "description": "A duration, fixed (4h) or drawn from a distribution.",
            "anyOf": [
                d,
                one("exp", d.clone(), "Exponential with this mean: {exp: 4h}."),
                one("lognormal", pair.clone(), "Lognormal whose 5th and 95th percentiles are the two values: {lognormal: [1h, 9h]}."),
                one("uniform", pair, "Uniform between the two: {uniform: [1h, 3h]}."),
                one("triangular", json_schema!({"type": "array", "items": d, "minItems": 3, "maxItems": 3}), "Triangular, min, mode, max: {triangular: [1h, 2h, 6h]}."),
                one("weibull", json_schema!({
                    "type": "object",
                    "properties": {"shape": {"type": "number"}, "scale": d},
                    "required": ["shape", "scale"],
                    "additionalProperties": false
                }), "Weibull: {weibull: {shape: 1.5, scale: 1000h}}.")
            ]
        })
    }
}

impl JsonSchema for RawHits {
    fn schema_name() -> Cow<'static, str> {
        "Hits".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let selector = generator.subschema_for::<RawSelector>();
        json_schema!({
            "description": "What the threat hits: one selector ({sites: [dc-london]}), or a hit group, a list of selectors each with its own chance.",
            "anyOf": [selector, {"type": "array", "items": selector, "minItems": 1}]
        })
    }
}

impl JsonSchema for RawRequirement {
    fn schema_name() -> Cow<'static, str> {
        "Requirement".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let id = generator.subschema_for::<Text>();
        let ids = json_schema!({"type": "array", "items": id, "minItems": 1});
        json_schema!({
            "description": "A component that must be available; or at least K of a group; or a failover group, active on its first member, switching over to the next available.",
            "anyOf": [
                id,
                {
                    "type": "object",
                    "properties": {"at_least": {"type": "integer"}, "of": ids},
                    "required": ["at_least", "of"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {
                        "failover": ids,
                        "switchover": generator.subschema_for::<Dist>(),
                        "lag": generator.subschema_for::<Hours>()
                    },
                    "required": ["failover"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_schema_is_the_generated_one() {
        let committed = include_str!("../../schema/scenario.schema.json");
        assert!(
            committed == schema(),
            "schema/scenario.schema.json is out of date: run `cargo run -- schema -o schema/scenario.schema.json`"
        );
    }
}
