//! Rust mirrors of the records and map entries in `bpf/capture.h`.
//!
//! The header is the one definition; each struct here repeats it field for
//! field as `repr(C)` and asserts the size the header states, so that a
//! change on one side without the other fails the build. Records arrive as
//! byte slices from the ring buffer and are read by [`read`], which checks
//! the length first.

/// `BOB_COMM_LEN`.
pub const COMM_LEN: usize = 16;
/// `BOB_PATH_MAX`: bytes of a path the kernel keeps, NUL included.
pub const PATH_MAX: usize = 512;
/// `BOB_ARGV_MAX`: bytes of argv the kernel keeps.
pub const ARGV_MAX: usize = 4096;
/// `BOB_DNS_MAX`: bytes of a DNS payload the kernel keeps.
pub const DNS_MAX: usize = 256;
/// `BOB_PID_WORDS`: words of the traced-pid bitmap.
pub const PID_WORDS: u32 = 65536;

/// `BOB_EV_*`: the first field of every record.
pub mod kind {
    pub const EXEC: u32 = 1;
    pub const OPEN: u32 = 2;
    pub const NET: u32 = 3;
    pub const DNS: u32 = 4;
    pub const CAP: u32 = 5;
    pub const FORK: u32 = 6;
    pub const EXIT: u32 = 7;
    /// A `struct bob_open` for a successful chdir (path) or fchdir (dfd).
    pub const CHDIR: u32 = 8;
}

/// `BOB_DROP_*`: indices of the `drops` counters.
pub mod drop_slot {
    /// The ring buffer was full and a record was lost.
    pub const EVENTS: u32 = 0;
    /// The syscall table was full and a count was lost.
    pub const SYSCALLS: u32 = 1;
    /// The dedup table was full: a row was written unmerged (no loss).
    pub const DEDUP: u32 = 2;
    /// Number of slots.
    pub const SLOTS: u32 = 4;
}

/// `BOB_DIR_*`.
pub mod direction {
    pub const OUTBOUND: u16 = 1;
    pub const INBOUND: u16 = 2;
    pub const BIND: u16 = 3;
    pub const LISTEN: u16 = 4;
}

/// `BOB_EXEC_ARGV_TRUNCATED`.
pub const EXEC_ARGV_TRUNCATED: u32 = 1;

/// `struct bob_header`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Header {
    pub kind: u32,
    pub pid: u32,
    pub tid: u32,
    pub ppid: u32,
    pub uid: u32,
    pub gid: u32,
    pub ts: u64,
    pub cgroup_id: u64,
    pub dedup: u64,
    pub comm: [u8; COMM_LEN],
}

/// `struct bob_exec`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Exec {
    pub h: Header,
    pub argv_len: u32,
    pub flags: u32,
    pub filename: [u8; PATH_MAX],
    pub argv: [u8; ARGV_MAX],
}

/// `struct bob_open`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Open {
    pub h: Header,
    pub ret: i64,
    pub dfd: i32,
    pub flags: u32,
    pub cwd: u64,
    pub path: [u8; PATH_MAX],
}

/// `struct bob_net`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Net {
    pub h: Header,
    pub ret: i64,
    pub family: u16,
    pub protocol: u16,
    pub sock_type: u16,
    pub direction: u16,
    pub local_port: u16,
    pub remote_port: u16,
    pub pad: u32,
    pub local_addr: [u8; 16],
    pub remote_addr: [u8; 16],
}

/// `struct bob_dns`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Dns {
    pub n: Net,
    pub len: u32,
    pub pad: u32,
    pub payload: [u8; DNS_MAX],
}

/// `struct bob_cap`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Cap {
    pub h: Header,
    pub cap: i32,
    pub ret: i32,
}

/// `struct bob_fork`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Fork {
    pub h: Header,
    pub child: u32,
    pub pad: u32,
}

/// `struct bob_exit`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Exit {
    pub h: Header,
    pub code: i32,
    pub pad: u32,
}

/// `BOB_NR_INVALID`: in [`SysKey::nr`], calls with a number that is no
/// syscall (they failed with `ENOSYS`).
pub const NR_INVALID: u32 = 0x7fff_ffff;

/// `BOB_SYS_BPF_CMD`: in [`SysKey::nr`], a `bpf` call whose command is
/// in the low 16 bits.
pub const SYS_BPF_CMD: u32 = 0x8000_0000;
/// `BOB_BPF_CMD_INVALID`: the command of a `bpf` call whose command is
/// `BOB_BPF_CMD_LIMIT` (64) or more, which the kernel rejects.
pub const BPF_CMD_INVALID: u32 = 0xffff;

/// `struct bob_sys_key`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SysKey {
    pub pid: u32,
    pub nr: u32,
}

/// `struct bob_sys_val`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct SysVal {
    pub count: u64,
    pub first: u64,
    pub last: u64,
}

/// `struct bob_dedup_val`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct DedupVal {
    pub count: u64,
    pub last: u64,
}

// The sizes `capture.h` states (`BOB_*_SIZE`).
const _: () = assert!(size_of::<Header>() == 64);
const _: () = assert!(size_of::<Exec>() == 64 + 8 + 512 + 4096);
const _: () = assert!(size_of::<Open>() == 64 + 24 + 512);
const _: () = assert!(size_of::<Net>() == 64 + 8 + 16 + 32);
const _: () = assert!(size_of::<Dns>() == size_of::<Net>() + 8 + 256);
const _: () = assert!(size_of::<Cap>() == 64 + 8);
const _: () = assert!(size_of::<Fork>() == 64 + 8);
const _: () = assert!(size_of::<Exit>() == 64 + 8);
const _: () = assert!(size_of::<SysKey>() == 8);
const _: () = assert!(size_of::<SysVal>() == 24);
const _: () = assert!(size_of::<DedupVal>() == 16);

/// Marks the mirrors that any bit pattern of the right length is a valid
/// value of: integers and integer arrays only, no padding.
///
/// # Safety
///
/// Implement only for `repr(C)` structs made of integers and arrays of
/// integers, with no implicit padding.
pub unsafe trait Plain: Copy {}

// SAFETY: each of these is repr(C), made of integers and integer arrays,
// and laid out without padding (the size assertions above equal the sum of
// the field sizes).
unsafe impl Plain for Header {}
// SAFETY: as above.
unsafe impl Plain for Exec {}
// SAFETY: as above.
unsafe impl Plain for Open {}
// SAFETY: as above.
unsafe impl Plain for Net {}
// SAFETY: as above.
unsafe impl Plain for Dns {}
// SAFETY: as above.
unsafe impl Plain for Cap {}
// SAFETY: as above.
unsafe impl Plain for Fork {}
// SAFETY: as above.
unsafe impl Plain for Exit {}
// SAFETY: as above.
unsafe impl Plain for SysKey {}
// SAFETY: as above.
unsafe impl Plain for SysVal {}
// SAFETY: as above.
unsafe impl Plain for DedupVal {}

// SAFETY: plain integers; aya reads and writes map values as bytes.
unsafe impl aya::Pod for SysKey {}
// SAFETY: as above.
unsafe impl aya::Pod for SysVal {}
// SAFETY: as above.
unsafe impl aya::Pod for DedupVal {}

/// Reads a `T` from the start of `bytes`; `None` when `bytes` is shorter.
pub fn read<T: Plain>(bytes: &[u8]) -> Option<T> {
    if bytes.len() < size_of::<T>() {
        return None;
    }
    // SAFETY: the length was checked above, `read_unaligned` needs no
    // alignment, and `T: Plain` makes every bit pattern a valid `T`.
    Some(unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast::<T>()) })
}

/// Reads a `T` from a record that may end early: exec and open records are
/// sent without the unused tail of their last buffer (argv, path), and the
/// missing bytes read as zero. `None` when `bytes` is shorter than `min`.
pub fn read_prefix<T: Plain>(bytes: &[u8], min: usize) -> Option<T> {
    if bytes.len() < min {
        return None;
    }
    let n = bytes.len().min(size_of::<T>());
    let mut value = std::mem::MaybeUninit::<T>::zeroed();
    // SAFETY: `n` bytes fit in both the source (checked against its length)
    // and the destination (at most `size_of::<T>()`); the regions cannot
    // overlap; all-zero bytes and then any bytes are a valid `T` because
    // `T: Plain`.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), value.as_mut_ptr().cast::<u8>(), n);
        Some(value.assume_init())
    }
}

/// Bytes of an exec record before its argv buffer.
pub const EXEC_FIXED: usize = size_of::<Exec>() - ARGV_MAX;
/// Bytes of an open record before its path buffer.
pub const OPEN_FIXED: usize = size_of::<Open>() - PATH_MAX;

/// The bytes of a NUL-terminated C string in `buf`, without the NUL.
pub fn c_str(buf: &[u8]) -> &[u8] {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    &buf[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_records_are_refused() {
        assert!(read::<Header>(&[0u8; 63]).is_none());
        let mut b = [0u8; 64];
        b[0] = 2;
        b[4] = 7;
        let h = read::<Header>(&b).unwrap();
        assert_eq!((h.kind, h.pid), (2, 7));
    }

    #[test]
    fn short_open_records_are_padded() {
        let mut b = vec![0u8; OPEN_FIXED + 3];
        b[OPEN_FIXED..].copy_from_slice(b"/a\0");
        let r = read_prefix::<Open>(&b, OPEN_FIXED).unwrap();
        assert_eq!(c_str(&r.path), b"/a");
        assert!(read_prefix::<Open>(&b[..OPEN_FIXED - 1], OPEN_FIXED).is_none());
    }

    #[test]
    fn c_strings_stop_at_nul() {
        assert_eq!(c_str(b"ab\0cd"), b"ab");
        assert_eq!(c_str(b"abc"), b"abc");
    }
}
