//! The capabilities that loading the capture programs needs, checked
//! before the first bpf(2) call so that the error names what is missing
//! instead of a bare `EPERM`.

use crate::error::CaptureError;

const CAP_SYS_ADMIN: u32 = 21;
const CAP_PERFMON: u32 = 38;
const CAP_BPF: u32 = 39;

/// Fails with [`CaptureError::Privilege`] unless this process holds
/// CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN (which implies both).
pub fn check() -> Result<(), CaptureError> {
    let status =
        std::fs::read_to_string("/proc/self/status").map_err(|source| CaptureError::Os {
            what: "read /proc/self/status".into(),
            source,
        })?;
    let effective = parse_cap_eff(&status).unwrap_or(0);
    match missing(effective) {
        None => Ok(()),
        Some(missing) => Err(CaptureError::Privilege { missing }),
    }
}

fn parse_cap_eff(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("CapEff:"))?;
    u64::from_str_radix(line["CapEff:".len()..].trim(), 16).ok()
}

/// The missing capability names, or `None` when the set is enough.
fn missing(effective: u64) -> Option<String> {
    let has = |cap: u32| effective & (1u64 << cap) != 0;
    if has(CAP_SYS_ADMIN) {
        return None;
    }
    let names: Vec<&str> = [(CAP_BPF, "CAP_BPF"), (CAP_PERFMON, "CAP_PERFMON")]
        .into_iter()
        .filter(|&(cap, _)| !has(cap))
        .map(|(_, name)| name)
        .collect();
    if names.is_empty() {
        None
    } else {
        Some(names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_what_is_missing() {
        assert_eq!(missing(0).as_deref(), Some("CAP_BPF, CAP_PERFMON"));
        assert_eq!(missing(1 << CAP_BPF).as_deref(), Some("CAP_PERFMON"));
        assert_eq!(missing((1 << CAP_BPF) | (1 << CAP_PERFMON)), None);
        assert_eq!(missing(1 << CAP_SYS_ADMIN), None);
        assert_eq!(
            parse_cap_eff("Name:\tx\nCapEff:\t000001ffffffffff\n"),
            Some(0x1ff_ffff_ffff)
        );
    }
}
