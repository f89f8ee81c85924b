//! Output formats. Each takes finished [`Results`](crate::sim::Results) and
//! never re-runs anything.

pub mod compare;
pub mod csv;
pub mod format;
pub mod json;
pub mod summary;
pub mod text;
