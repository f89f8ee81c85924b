pub mod engine;
pub mod factories;
