//! Credentials in store URLs never reach the output, even when the password holds an `@`.

use statelint::resolve::url::{redact_raw, StoreUrl};

const SECRET_HALVES: [&str; 2] = ["pa", "ss"];

#[test]
fn a_password_with_an_at_sign_is_hidden_whole() {
    let input = "s3://user:pa@ss@kops-state/prefix";
    let url = StoreUrl::parse(input).expect("parses");
    let shown = url.redacted();
    assert_eq!(shown, "s3://***@kops-state/prefix");
    for half in SECRET_HALVES {
        assert!(!shown.contains(&format!("{half}@")), "{shown}");
    }
}

#[test]
fn an_unparsable_url_with_an_at_sign_in_the_password_is_hidden_whole() {
    // A space in the host makes it unparsable; the raw redaction must still hide it all.
    let shown = redact_raw("s3://user:pa@ss@kops state/prefix?x=1");
    assert_eq!(shown, "s3://***@kops state/prefix?***");
}
