//! Wildcard patterns of `Action`, `Resource`, `StringLike` and `ArnLike`, and the policy
//! variables (`${aws:username}`) replaced in them.
//!
//! A `*` or `?` written in a policy is a wildcard. IAM spells the characters themselves
//! `${*}`, `${?}` and `${$}` ("IAM policy elements: Variables and tags", special
//! characters), so a pattern keeps, for each character, whether it may match as a
//! wildcard. A value taken from the request is data: its characters stand for themselves.

use super::Context;

/// One character of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatternChar {
    /// `*` (any run of characters) or `?` (exactly one), as written in the policy.
    Wild(char),
    /// Any other character, or `*`/`?`/`$` spelt as a policy variable or from a request.
    Literal(char),
}

impl PatternChar {
    fn written(c: char) -> PatternChar {
        if c == '*' || c == '?' {
            PatternChar::Wild(c)
        } else {
            PatternChar::Literal(c)
        }
    }

    fn char(self) -> char {
        match self {
            PatternChar::Wild(c) | PatternChar::Literal(c) => c,
        }
    }
}

/// A pattern, after its policy variables are replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pattern(Vec<PatternChar>);

impl Pattern {
    /// The pattern as written, with no variables replaced.
    pub(super) fn written(text: &str) -> Pattern {
        Pattern(text.chars().map(PatternChar::written).collect())
    }

    /// The text the pattern spells, for operators without wildcards (`StringEquals`).
    pub(super) fn text(&self) -> String {
        self.0.iter().map(|c| c.char()).collect()
    }

    /// Wildcard match. Linear-time backtracking on the last `*` only, so hostile patterns
    /// cannot blow up.
    pub(super) fn matches(&self, text: &str, ignore_case: bool) -> bool {
        matches_chars(&self.0, &text.chars().collect::<Vec<_>>(), ignore_case)
    }

    /// `ArnLike`/`ArnEquals`: the six `:`-separated parts are matched one by one, with
    /// wildcards inside a part (case-sensitive).
    pub(super) fn matches_arn(&self, arn: &str) -> bool {
        let mut parts: Vec<&[PatternChar]> = Vec::with_capacity(6);
        let mut rest = self.0.as_slice();
        while parts.len() < 5 {
            let Some(i) = rest.iter().position(|c| *c == PatternChar::Literal(':')) else {
                break;
            };
            parts.push(&rest[..i]);
            rest = &rest[i + 1..];
        }
        parts.push(rest);
        let arn: Vec<Vec<char>> = arn.splitn(6, ':').map(|a| a.chars().collect()).collect();
        parts.len() == 6
            && arn.len() == 6
            && parts
                .iter()
                .zip(&arn)
                .all(|(p, a)| matches_chars(p, a, false))
    }
}

fn matches_chars(p: &[PatternChar], t: &[char], ignore_case: bool) -> bool {
    let eq = |a: char, b: char| {
        if ignore_case {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(PatternChar::Wild('*')) => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some(PatternChar::Wild(_)) => {
                pi += 1;
                ti += 1;
                continue;
            }
            Some(PatternChar::Literal(c)) if eq(*c, t[ti]) => {
                pi += 1;
                ti += 1;
                continue;
            }
            _ => {}
        }
        let Some((sp, st)) = star else {
            return false;
        };
        pi = sp + 1;
        ti = st + 1;
        star = Some((sp, st + 1));
    }
    p[pi..].iter().all(|&c| c == PatternChar::Wild('*'))
}

/// Wildcard match of a pattern as written: `*` any run of characters, `?` exactly one.
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    Pattern::written(pattern).matches(text, ignore_case)
}

/// Replaces `${key}` (and `${key, 'default'}`) with the context value; `${*}`, `${?}` and
/// `${$}` stand for the characters themselves. `None` when a key is missing and has no
/// default (the element then matches nothing) or is multi-valued.
pub(super) fn substitute(pattern: &str, ctx: &Context) -> Option<Pattern> {
    let written = |text: &str, out: &mut Vec<PatternChar>| {
        out.extend(text.chars().map(PatternChar::written));
    };
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        written(&rest[..start], &mut out);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            written(&rest[start..], &mut out);
            return Some(Pattern(out));
        };
        let inner = after[..end].trim();
        let (key, default) = match inner.split_once(',') {
            Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\''))),
            None => (inner, None),
        };
        match key {
            "*" | "?" | "$" => out.extend(key.chars().map(PatternChar::Literal)),
            _ => match (ctx.get(key), default) {
                (Some([v]), _) => out.extend(v.chars().map(PatternChar::Literal)),
                (None, Some(d)) => written(d, &mut out),
                _ => return None,
            },
        }
        rest = &after[end + 1..];
    }
    written(rest, &mut out);
    Some(Pattern(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_patterns_match_part_by_part() {
        let arn_like = |pattern: &str, arn: &str| Pattern::written(pattern).matches_arn(arn);
        assert!(arn_like(
            "arn:aws:iam::*:role/ci",
            "arn:aws:iam::222222222222:role/ci"
        ));
        // A `*` stays inside its part: five parts never match an ARN's six.
        assert!(!arn_like(
            "arn:aws:iam::*",
            "arn:aws:iam::222222222222:role/ci"
        ));
        assert!(!arn_like(
            "arn:aws:iam::2*2:role/ci",
            "arn:aws:iam::2:x:2:role/ci"
        ));
        // The sixth part keeps its colons.
        assert!(arn_like(
            "arn:aws:s3:::kops-state/a:*",
            "arn:aws:s3:::kops-state/a:b:c"
        ));
        assert!(!arn_like("arn:aws:s3:::b", "arn:aws:s3::b"));
    }

    #[test]
    fn variables_are_replaced_and_escapes_stand_for_themselves() {
        let mut ctx = Context::default();
        ctx.set("aws:username", vec!["ops".into()]);
        let text = |p: &str| substitute(p, &ctx).map(|p| p.text());
        assert_eq!(
            text("home/${aws:username}/*").as_deref(),
            Some("home/ops/*")
        );
        assert_eq!(text("a${*}b${?}c${$}").as_deref(), Some("a*b?c$"));
        assert_eq!(text("${aws:userid, 'nobody'}").as_deref(), Some("nobody"));
        assert_eq!(text("${aws:userid}"), None);
        assert_eq!(
            text("open ${aws:username").as_deref(),
            Some("open ${aws:username")
        );
        let escaped = substitute("a${*}", &ctx).expect("no variable to miss");
        assert!(escaped.matches("a*", false));
        assert!(!escaped.matches("ab", false));
        let default = substitute("${aws:userid, 'x*'}", &ctx).expect("a default");
        assert!(
            default.matches("xyz", false),
            "a default is written in the policy"
        );
    }
}
