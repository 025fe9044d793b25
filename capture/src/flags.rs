//! open(2) flags as the names profiles use (`O_RDONLY`, `O_CREAT`, ...).
//!
//! Values are x86-64's. The access mode comes first, then the other flags
//! in ascending bit order; `O_SYNC` is written for `__O_SYNC | O_DSYNC`
//! and `O_TMPFILE` for `__O_TMPFILE | O_DIRECTORY`, as glibc defines them.
//! Bits without a name are written as one octal `0o<bits>` entry.

const NAMED: [(u32, &str); 14] = [
    (0o100, "O_CREAT"),
    (0o200, "O_EXCL"),
    (0o400, "O_NOCTTY"),
    (0o1000, "O_TRUNC"),
    (0o2000, "O_APPEND"),
    (0o4000, "O_NONBLOCK"),
    (0o20000, "O_ASYNC"),
    (0o40000, "O_DIRECT"),
    (0o100000, "O_LARGEFILE"),
    (0o200000, "O_DIRECTORY"),
    (0o400000, "O_NOFOLLOW"),
    (0o1000000, "O_NOATIME"),
    (0o2000000, "O_CLOEXEC"),
    (0o10000000, "O_PATH"),
];
const O_DSYNC: u32 = 0o10000;
const O_SYNC: u32 = 0o4010000;
const O_TMPFILE: u32 = 0o20200000;

/// The names of open flags `flags`.
pub fn names(flags: u32) -> Vec<String> {
    let mut out = vec![
        match flags & 3 {
            0 => "O_RDONLY",
            1 => "O_WRONLY",
            2 => "O_RDWR",
            _ => "O_ACCMODE",
        }
        .to_owned(),
    ];
    let mut rest = flags & !3;
    if rest & O_TMPFILE == O_TMPFILE {
        rest &= !O_TMPFILE;
        out.push("O_TMPFILE".into());
    }
    for (bit, name) in NAMED {
        if rest & bit != 0 {
            rest &= !bit;
            out.push(name.into());
        }
    }
    if rest & O_SYNC == O_SYNC {
        rest &= !O_SYNC;
        out.push("O_SYNC".into());
    } else if rest & O_DSYNC != 0 {
        rest &= !O_DSYNC;
        out.push("O_DSYNC".into());
    }
    if rest != 0 {
        out.push(format!("0o{rest:o}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_glibc() {
        assert_eq!(names(0), ["O_RDONLY"]);
        assert_eq!(
            names(0o2000000 | 0o4000 | 0o200000),
            ["O_RDONLY", "O_NONBLOCK", "O_DIRECTORY", "O_CLOEXEC"]
        );
        assert_eq!(names(0o1101), ["O_WRONLY", "O_CREAT", "O_TRUNC"]);
        assert_eq!(names(2 | O_SYNC), ["O_RDWR", "O_SYNC"]);
        assert_eq!(names(2 | O_TMPFILE), ["O_RDWR", "O_TMPFILE"]);
        assert_eq!(names(0o40000000), ["O_RDONLY", "0o40000000"]);
    }
}
