//! Bucket and identity policies: the IAM policy model, a position-keeping reader, ARN
//! helpers, and an evaluator that follows AWS's documented evaluation logic.
//!
//! Everything here is pure: no network, no clock. Probes feed it what they learned
//! (caller identity, the bucket policy, readable identity policies); the SL3xx linter and
//! `fix-policy` build on the same model.

pub mod access;
pub mod arn;
pub mod diags;
pub mod evaluate;
pub mod facts;
pub mod fix;
pub mod json_index;
pub mod lint;
pub mod model;
pub mod parse;

pub use evaluate::{
    evaluate, Caller, Decision, Explanation, MissingSide, PolicySet, Request, Unknown,
};
pub use model::{
    Condition, Effect, OneOrMany, PolicyDocument, Principal, PrincipalKind, Statement,
};
pub use parse::{parse, ParsedPolicy, PolicyParseError};
