//! The eBPF object: compiled from `bpf/capture.bpf.c` and embedded.
//!
//! `build.rs` puts the object into `OUT_DIR`: compiled with clang when
//! `BOB_BPF_REBUILD=1`, else copied from the committed
//! `bpf/capture.bpf.o`, so that a machine without clang builds too.
//! `bpf/check-object.sh` fails when the committed object is stale.

/// The bytes of the object, aligned as the ELF parser wants them.
pub static OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/capture.bpf.o"));
