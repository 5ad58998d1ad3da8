//! tillsyn checks a governance repository (governing documents and registers kept as files) against
//! information-security and data-ownership rules, and turns every gap into a finding that says
//! where, why, who must act and by when.
//!
//! The pipeline runs one way (DESIGN.md): [`source`] (discover and parse) → [`repository`] →
//! [`validate`] → … → [`report`]; [`check::check`] runs it.

// No panic on data from outside: these lints are denied outside tests, and every module that
// allows indexing says why its indices are its own.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod builtin;
pub mod check;
pub mod cli;
pub mod config;
pub mod dates;
pub mod email;
pub mod engine;
pub mod exceptions;
pub mod figures;
pub mod finding;
pub mod followup;
pub mod import;
pub mod init;
pub mod lang;
pub mod outcome;
pub mod progress;
pub mod report;
pub mod repository;
pub mod rule_tests;
pub mod rules;
pub mod schema;
pub mod schema_json;
pub mod source;
pub mod suggest;
pub mod terminal;
pub mod validate;
pub mod views;
