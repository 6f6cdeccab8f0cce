//! SL332: an `IpAddress`/`NotIpAddress` range written with host bits set
//! (`203.0.113.5/24`). AWS ignores the bits after the mask, so the range is the whole
//! network (`203.0.113.0/24`): 256 addresses where the text suggests one.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding, Severity};
use crate::policy::model::Effect;
use ipnet::IpNet;

code!(
    INFO,
    "SL332",
    "ip-range-host-bits",
    Note,
    "an IP range in a condition has bits set after its mask, which AWS ignores"
);

pub struct IpRangeHostBits;
pub static RULE: IpRangeHostBits = IpRangeHostBits;

impl PolicyRule for IpRangeHostBits {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let everyone = s.principal.as_ref().is_some_and(|p| p.is_everyone());
            for e in conditions(s, &cx.pointer(i)) {
                let negated = e.base_operator() == "NotIpAddress";
                if !negated && e.base_operator() != "IpAddress" {
                    continue;
                }
                for (j, text) in e.texts().iter().enumerate() {
                    // Values that are no CIDR at all are SL312's.
                    let Ok(net) = text.parse::<IpNet>() else {
                        continue;
                    };
                    if net.addr() == net.network() {
                        continue;
                    }
                    let meant = net.trunc();
                    // Where the wider range lets more callers in to a store open to
                    // everyone (an Allow inside it, a Deny outside it), say so louder.
                    let widens = (s.effect == Effect::Allow) != negated;
                    let severity = if everyone && widens {
                        Severity::Warning
                    } else {
                        Severity::Note
                    };
                    let pointer = e.value_pointer(j);
                    out.push(
                        cx.at(
                            &INFO,
                            &pointer,
                            format!(
                                "`{}` range `{text}` has bits set after its /{} mask; AWS reads it as `{meant}` ({} addresses)",
                                e.key,
                                net.prefix_len(),
                                address_count(&meant)
                            ),
                        )
                        .with_severity(severity)
                        .with_help(format!(
                            "write `{meant}`, or `{}/{}` if only that address was meant",
                            net.addr(),
                            net.max_prefix_len()
                        )),
                    );
                }
            }
        }
    }
}

/// How many addresses `net` holds, as text (IPv6 ranges can exceed any integer type).
fn address_count(net: &IpNet) -> String {
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    match 1u128.checked_shl(host_bits) {
        Some(n) if host_bits < 64 => n.to_string(),
        _ => format!("2^{host_bits}"),
    }
}
