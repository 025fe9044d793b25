//! Linux capability names as profiles write them.
//!
//! Old profiles write `NET_ADMIN`, new ones `CAP_NET_ADMIN`; both mean the
//! same capability and are compared without the prefix.

/// The capability name without its `CAP_` prefix, upper-cased.
pub fn normalize(name: &str) -> String {
    let up = name.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").map(str::to_owned).unwrap_or(up)
}

/// Whether two capability names denote the same capability.
pub fn same(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

/// Capability names by number, as in `include/uapi/linux/capability.h`.
pub const NAMES: [&str; 41] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
];

/// The name of capability number `n`, if the kernel defines one.
pub fn name_of(n: u32) -> Option<&'static str> {
    NAMES.get(n as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_optional() {
        assert!(same("NET_ADMIN", "CAP_NET_ADMIN"));
        assert!(same("cap_sys_admin", "SYS_ADMIN"));
        assert!(!same("SYS_ADMIN", "NET_ADMIN"));
        assert_eq!(normalize("CAP_BPF"), "BPF");
    }

    #[test]
    fn numbers_follow_the_kernel() {
        assert_eq!(name_of(0), Some("CHOWN"));
        assert_eq!(name_of(21), Some("SYS_ADMIN"));
        assert_eq!(name_of(39), Some("BPF"));
        assert_eq!(name_of(41), None);
    }
}
