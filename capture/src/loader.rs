//! Loads the capture object, sets its filters and attaches every program.
//!
//! The filters are read-only globals of the object (`target_cgroup`,
//! `target_level`, `dns_port`, `self_tgid`), fixed before load so that the verifier
//! prunes the branch not taken. All hooks are BTF tracepoints, attached by
//! BTF id: no tracefs. (fentry/fexit and LSM programs are refused with
//! EPERM on the kernels this was built for, and kprobes are not compiled
//! in, so the capturer uses none of them.)

use aya::programs::BtfTracePoint;
use aya::{Btf, Ebpf, EbpfLoader};

use crate::error::CaptureError;
use crate::object::OBJECT;

/// Every program of the object: its function name, which is also the BTF
/// tracepoint it attaches to.
const PROGRAMS: [&str; 5] = [
    "sys_exit",
    "sched_process_exec",
    "sched_process_fork",
    "sched_process_exit",
    "cap_capable",
];

/// What the kernel side traces, fixed at load time.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// The cgroup v2 id to trace, or 0 to trace the pids in `traced`.
    pub cgroup_id: u64,
    /// The depth of that cgroup below the root (the root is 0).
    pub cgroup_level: u32,
    /// The UDP port whose payload is read as DNS.
    pub dns_port: u16,
    /// Size of the ring buffer in bytes (a power of two, at least a page).
    pub ring_bytes: u32,
}

/// Loads the object with `filter` and attaches all its programs.
pub fn load(filter: &Filter) -> Result<Ebpf, CaptureError> {
    let btf = Btf::from_sys_fs().map_err(CaptureError::Btf)?;
    let mut ebpf = EbpfLoader::new()
        .btf(Some(&btf))
        .override_global("target_cgroup", &filter.cgroup_id, true)
        .override_global("target_level", &filter.cgroup_level, true)
        .override_global("dns_port", &filter.dns_port, true)
        .override_global("self_tgid", &std::process::id(), true)
        .map_max_entries("events", filter.ring_bytes)
        .load(OBJECT)
        .map_err(|e| CaptureError::Load(Box::new(e)))?;
    for name in PROGRAMS {
        attach(&mut ebpf, &btf, name)?;
        tracing::debug!(program = name, "attached");
    }
    Ok(ebpf)
}

fn attach(ebpf: &mut Ebpf, btf: &Btf, name: &'static str) -> Result<(), CaptureError> {
    let fail = |action| {
        move |e: aya::programs::ProgramError| CaptureError::Program {
            action,
            program: name,
            source: Box::new(e),
        }
    };
    let program = ebpf.program_mut(name).ok_or(CaptureError::Map {
        name: "programs",
        message: format!("program `{name}` is not in the object"),
    })?;
    let p: &mut BtfTracePoint = program.try_into().map_err(fail("load"))?;
    p.load(name, btf).map_err(fail("load"))?;
    p.attach().map_err(fail("attach"))?;
    Ok(())
}
