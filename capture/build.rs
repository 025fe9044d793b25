//! Puts the eBPF object into `OUT_DIR`.
//!
//! With `BOB_BPF_REBUILD=1` and clang on the PATH, `bpf/build.sh` compiles
//! `bpf/capture.bpf.c`; otherwise the committed `bpf/capture.bpf.o` is
//! copied. The committed object is what ships; `bpf/check-object.sh` keeps
//! it equal to what the source compiles to.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    for f in [
        "bpf/capture.bpf.c",
        "bpf/capture.h",
        "bpf/capture.bpf.o",
        "bpf/build.sh",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    println!("cargo:rerun-if-env-changed=BOB_BPF_REBUILD");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = out.join("capture.bpf.o");
    let rebuild = std::env::var("BOB_BPF_REBUILD").is_ok_and(|v| v == "1");
    if rebuild && has_clang() {
        let status = Command::new("sh")
            .arg("bpf/build.sh")
            .arg(&target)
            .status()
            .expect("failed to run bpf/build.sh");
        assert!(status.success(), "bpf/build.sh failed: {status}");
        return;
    }
    if rebuild {
        println!("cargo:warning=BOB_BPF_REBUILD=1 but no clang: using the committed object");
    }
    std::fs::copy("bpf/capture.bpf.o", &target).expect("failed to copy bpf/capture.bpf.o");
}

fn has_clang() -> bool {
    Command::new("clang")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}
