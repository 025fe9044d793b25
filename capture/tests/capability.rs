//! A chown to another owner, as root, makes the kernel check CAP_CHOWN.

mod common;
use common::*;

#[test]
fn chown_as_root_checks_cap_chown() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("owned");
    std::fs::write(&file, b"x").unwrap();
    let data = tempfile::tempdir().unwrap();
    let argv = ["chown", "1:1", file.to_str().unwrap()];
    let (summary, rows) = capture(options(data.path(), &argv));
    assert_no_drops(&summary);
    let caps: Vec<&Row> = of_kind(&rows, "capability")
        .into_iter()
        .filter(|r| r.comm.as_deref() == Some("chown") && r.capability.as_deref() == Some("CHOWN"))
        .collect();
    assert_eq!(caps.len(), 1, "{:?}", of_kind(&rows, "capability"));
    assert_eq!(caps[0].ret, Some(0), "root is granted CAP_CHOWN");
}
