#![warn(missing_docs)]
//! drsim: a disaster-recovery and business-continuity simulator.
//!
//! A scenario ([`scenario`]) describes services and what they depend on; the
//! dependency graph ([`graph`]) analyses its structure; the Monte Carlo engine
//! ([`sim`]) simulates failures, threats and recoveries; [`stats`] summarises
//! the samples and [`report`] writes them out. Dependencies flow one way:
//! scenario <- graph <- sim <- report, with stats a leaf.

pub mod calibrate;
pub mod graph;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod stats;
