//! Policy parsing, linting and evaluation never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use statelint::policy::evaluate::{evaluate, Caller, PolicySet, Request};
use statelint::policy::lint::{lint, PolicyContext};
use statelint::source::SourceDb;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sources = SourceDb::new();
    let Ok(parsed) = statelint::policy::parse::parse("file:///fuzz.json", text, &sources) else { return };
    let _ = lint(&PolicyContext { parsed: &parsed, owner_account: Some("111111111111") });
    let Ok(caller) = Caller::from_arn("arn:aws:iam::222222222222:role/ci") else { return };
    let set = PolicySet { identity_policies: None, resource_policy: Some(parsed.policy.clone()), resource_owner_account: None };
    let _ = evaluate(&Request::new(caller, "s3:GetObject", "arn:aws:s3:::kops-state/kops/c/config"), &set);
});
