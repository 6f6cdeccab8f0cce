//! Store URL parsing never panics, and redaction never leaks the password of the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use statelint::resolve::url::StoreUrl;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(url) = StoreUrl::parse(text) {
        let shown = url.redacted();
        if let Some((_, rest)) = text.split_once("://") {
            // Credentials can only be in the authority, which ends at the first `/`.
            let authority = rest.split('/').next().unwrap_or("");
            if let Some((userinfo, _)) = authority.rsplit_once('@') {
                if let Some((_, password)) = userinfo.split_once(':') {
                    // Only a password that appears nowhere else in the input can be told
                    // apart from the same characters in the host or path.
                    if password.len() >= 6 && !password.contains('/') && text.matches(password).count() == 1 {
                        assert!(!shown.contains(password), "password leaked: {text:?} -> {shown:?}");
                    }
                }
            }
        }
        let _ = url.join("c.example.com");
    }
    let _ = statelint::resolve::url::redact_raw(text);
});
