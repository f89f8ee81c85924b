pub mod engine;
pub mod estate;
pub mod factories;
