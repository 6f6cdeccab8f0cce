//! SL321: private or loopback addresses in `aws:SourceIp`. Requests that reach S3 through
//! a VPC endpoint carry no public source address, and private ones never appear in
//! `aws:SourceIp`: an `IpAddress` Allow on them never matches, and a `NotIpAddress` Deny
//! on them denies everyone, kops included.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding, Severity};
use crate::policy::model::Effect;
use ipnet::IpNet;

code!(
    INFO,
    "SL321",
    "private-source-ip",
    Error,
    "`aws:SourceIp` is compared with private addresses, which it never holds"
);

pub struct PrivateSourceIp;
pub static RULE: PrivateSourceIp = PrivateSourceIp;

/// Whether every address of `net` is private, loopback or link-local.
fn is_private(net: &IpNet) -> bool {
    match net {
        IpNet::V4(n) => [n.network(), n.broadcast()]
            .iter()
            .all(|a| a.is_private() || a.is_loopback() || a.is_link_local()),
        IpNet::V6(n) => {
            let seg = n.network().segments()[0];
            n.prefix_len() >= 7
                && ((seg & 0xfe00) == 0xfc00
                    || (seg & 0xffc0) == 0xfe80
                    || n.network().is_loopback())
        }
    }
}

fn parse(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

impl PolicyRule for PrivateSourceIp {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            for e in conditions(s, &cx.pointer(i)) {
                if !e.key.eq_ignore_ascii_case("aws:SourceIp") {
                    continue;
                }
                let negated = e.base_operator() == "NotIpAddress";
                if !negated && e.base_operator() != "IpAddress" {
                    continue;
                }
                let texts = e.texts();
                let private: Vec<&String> = texts
                    .iter()
                    .filter(|t| parse(t).is_some_and(|n| is_private(&n)))
                    .collect();
                if private.is_empty() {
                    continue;
                }
                let all = private.len() == texts.len();
                let effect = match (s.effect, negated) {
                    (Effect::Deny, true) if all => {
                        "this Deny applies to every request, kops included"
                    }
                    (Effect::Allow, false) if all => "this Allow never matches",
                    _ => "these entries never match",
                };
                let list = private
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let severity = if all {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                out.push(
                    cx.at(&INFO, &e.key_pointer, format!(
                        "`aws:SourceIp` never holds private addresses ({list}); {effect}"
                    ))
                    .with_severity(severity)
                    .with_help("for traffic from a VPC use `aws:SourceVpc` or `aws:SourceVpce` (or `aws:VpcSourceIp` with `aws:SourceVpc`)"),
                );
            }
        }
    }
}
