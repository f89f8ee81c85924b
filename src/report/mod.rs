//! Output formats. Each takes finished [`Results`](crate::sim::Results) and
//! never re-runs anything.

pub mod charts;
pub mod compare;
pub mod csv;
pub mod format;
pub mod html;
pub mod json;
pub mod sensitivity;
pub mod summary;
pub mod text;
