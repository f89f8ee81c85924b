//! Graphviz DOT and Mermaid exports: kinds as shapes, sites as clusters,
//! redundancy groups as their own small nodes.

use crate::scenario::{fmt_hours, Kind, Requirement, Scenario};
use std::fmt::Write;

fn dot_shape(kind: Kind) -> &'static str {
    match kind {
        Kind::Service => "doubleoctagon",
        Kind::Application => "box",
        Kind::Database => "cylinder",
        Kind::Server => "box3d",
        Kind::Storage => "cylinder",
        Kind::Network => "hexagon",
        Kind::Power => "invtriangle",
        Kind::Site => "house",
        Kind::Supplier => "component",
        Kind::People => "egg",
        Kind::Other => "ellipse",
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn group_label(req: &Requirement) -> Option<String> {
    match req {
        Requirement::Plain(_) => None,
        Requirement::AtLeast { k, of } => Some(format!("{k} of {}", of.len())),
        Requirement::Failover {
            switchover, lag, ..
        } => {
            let mut s = format!("failover {}", switchover.describe());
            if *lag > 0.0 {
                s.push_str(&format!(", lag {}", fmt_hours(*lag)));
            }
            Some(s)
        }
    }
}

/// The graph in Graphviz DOT; services at the top, sites as clusters.
pub fn to_dot(s: &Scenario) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "digraph \"{}\" {{", dot_escape(&s.name));
    let _ = writeln!(
        w,
        "  rankdir=BT;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [color=\"#555555\"];"
    );
    let node = |w: &mut String, i: usize, indent: &str| {
        let c = &s.components[i];
        let mut label = c.label().to_string();
        if c.name.is_some() {
            label.push_str(&format!("\n({})", c.id));
        }
        label.push_str(&format!("\n{}", c.kind.as_str()));
        let style = if c.is_service() {
            ", style=filled, fillcolor=\"#dbe9f6\""
        } else {
            ""
        };
        let _ = writeln!(
            w,
            "{indent}\"{}\" [label=\"{}\", shape={}{style}];",
            dot_escape(&c.id),
            dot_escape(&label),
            dot_shape(c.kind)
        );
    };
    for (si, site) in s.sites.iter().enumerate() {
        let _ = writeln!(w, "  subgraph \"cluster_{}\" {{", dot_escape(&site.id));
        let _ = writeln!(
            w,
            "    label=\"{}\"; style=rounded; color=\"#999999\";",
            dot_escape(site.name.as_deref().unwrap_or(&site.id))
        );
        for (i, c) in s.components.iter().enumerate() {
            if c.site == Some(si) {
                node(w, i, "    ");
            }
        }
        let _ = writeln!(w, "  }}");
    }
    for (i, c) in s.components.iter().enumerate() {
        if c.site.is_none() {
            node(w, i, "  ");
        }
    }
    for c in &s.components {
        for (g, req) in c.depends_on.iter().enumerate() {
            match group_label(req) {
                None => {
                    let _ = writeln!(
                        w,
                        "  \"{}\" -> \"{}\";",
                        dot_escape(&s.components[req.members()[0]].id),
                        dot_escape(&c.id)
                    );
                }
                Some(label) => {
                    let gid = format!("{}#{g}", c.id);
                    let _ = writeln!(
                        w,
                        "  \"{}\" [label=\"{}\", shape=diamond, fontsize=8, style=dashed];",
                        dot_escape(&gid),
                        dot_escape(&label)
                    );
                    let _ = writeln!(
                        w,
                        "  \"{}\" -> \"{}\";",
                        dot_escape(&gid),
                        dot_escape(&c.id)
                    );
                    for (m, &member) in req.members().iter().enumerate() {
                        let style = match req {
                            Requirement::Failover { .. } if m > 0 => " [style=dashed]",
                            _ => "",
                        };
                        let _ = writeln!(
                            w,
                            "  \"{}\" -> \"{}\"{style};",
                            dot_escape(&s.components[member].id),
                            dot_escape(&gid)
                        );
                    }
                }
            }
        }
    }
    out.push_str("}\n");
    out
}

fn mermaid_id(id: &str) -> String {
    format!("n_{}", id.replace('-', "_"))
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('\n', " ")
}

/// The graph as a Mermaid flowchart (renders on GitHub and in many wikis).
pub fn to_mermaid(s: &Scenario) -> String {
    let mut out = String::from("flowchart BT\n");
    let w = &mut out;
    let node = |w: &mut String, i: usize, indent: &str| {
        let c = &s.components[i];
        let label = format!(
            "{}<br/><small>{}</small>",
            mermaid_text(c.label()),
            c.kind.as_str()
        );
        let (open, close) = match c.kind {
            Kind::Service => ("([", "])"),
            Kind::Database | Kind::Storage => ("[(", ")]"),
            Kind::Network => ("{{", "}}"),
            Kind::Supplier => ("[/", "/]"),
            _ => ("[", "]"),
        };
        let _ = writeln!(w, "{indent}{}{open}\"{label}\"{close}", mermaid_id(&c.id));
    };
    for (si, site) in s.sites.iter().enumerate() {
        let _ = writeln!(
            w,
            "  subgraph {}[\"{}\"]",
            mermaid_id(&format!("site_{}", site.id)),
            mermaid_text(site.name.as_deref().unwrap_or(&site.id))
        );
        for (i, c) in s.components.iter().enumerate() {
            if c.site == Some(si) {
                node(w, i, "    ");
            }
        }
        let _ = writeln!(w, "  end");
    }
    for (i, c) in s.components.iter().enumerate() {
        if c.site.is_none() {
            node(w, i, "  ");
        }
    }
    for c in &s.components {
        for (g, req) in c.depends_on.iter().enumerate() {
            match group_label(req) {
                None => {
                    let _ = writeln!(
                        w,
                        "  {} --> {}",
                        mermaid_id(&s.components[req.members()[0]].id),
                        mermaid_id(&c.id)
                    );
                }
                Some(label) => {
                    let gid = mermaid_id(&format!("{}_g{g}", c.id));
                    let _ = writeln!(w, "  {gid}{{\"{}\"}}", mermaid_text(&label));
                    let _ = writeln!(w, "  {gid} --> {}", mermaid_id(&c.id));
                    for (m, &member) in req.members().iter().enumerate() {
                        let arrow = match req {
                            Requirement::Failover { .. } if m > 0 => "-.->",
                            _ => "-->",
                        };
                        let _ = writeln!(
                            w,
                            "  {} {arrow} {gid}",
                            mermaid_id(&s.components[member].id)
                        );
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    const YAML: &str = "name: Demo \"quoted\"\nsites: [{id: dc-1, name: London}]\ncomponents:\n  - {id: db-a, kind: database, site: dc-1}\n  - {id: db-b, kind: database}\n  - {id: web-1, kind: server}\n  - {id: web-2, kind: server}\n  - id: shop\n    kind: service\n    depends_on:\n      - {failover: [db-a, db-b], switchover: 15m, lag: 5s}\n      - {at_least: 1, of: [web-1, web-2]}\n";

    #[test]
    fn dot_shows_sites_kinds_and_groups() {
        let s = load_str(YAML, "t").unwrap().scenario;
        let dot = to_dot(&s);
        assert!(dot.starts_with("digraph \"Demo \\\"quoted\\\"\" {"));
        assert!(dot.contains("subgraph \"cluster_dc-1\""));
        assert!(dot.contains("label=\"London\""));
        assert!(dot.contains("shape=cylinder"));
        assert!(dot.contains("label=\"1 of 2\""));
        assert!(dot.contains("failover 15m, lag 5s"));
        assert!(dot.contains("\"db-b\" -> \"shop#0\" [style=dashed];"));
        assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    }

    #[test]
    fn mermaid_uses_safe_node_ids() {
        let s = load_str(YAML, "t").unwrap().scenario;
        let m = to_mermaid(&s);
        assert!(m.starts_with("flowchart BT\n"));
        assert!(m.contains("n_db_a"));
        assert!(!m.contains("db-a -->"));
        assert!(m.contains("n_db_b -.-> n_shop_g0"));
        assert!(m.contains("subgraph n_site_dc_1[\"London\"]"));
    }

    /// A lag or switchover of a millisecond read `0s` in both exports.
    #[test]
    fn a_millisecond_is_not_zero() {
        let yaml = YAML.replace(
            "switchover: 15m, lag: 5s",
            "switchover: 0.002s, lag: 0.001s",
        );
        let s = load_str(&yaml, "t").unwrap().scenario;
        for export in [to_dot(&s), to_mermaid(&s)] {
            assert!(export.contains("failover 2ms, lag 1ms"), "{export}");
        }
    }
}
