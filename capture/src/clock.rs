//! Kernel timestamps to wall-clock time.
//!
//! The kernel side stamps records with `bpf_ktime_get_ns`, which is
//! CLOCK_MONOTONIC. The offset to CLOCK_REALTIME is taken once at start;
//! a wall-clock step during a capture (NTP) is therefore not followed.

/// Converts CLOCK_MONOTONIC nanoseconds to nanoseconds since the epoch.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    offset: i64,
}

fn now(clock: libc::clockid_t) -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; both clocks always exist.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

impl Clock {
    /// Measures the offset between the two clocks now.
    pub fn new() -> Self {
        let mono = now(libc::CLOCK_MONOTONIC);
        let real = now(libc::CLOCK_REALTIME);
        Clock {
            offset: real - mono,
        }
    }

    /// The epoch time of kernel timestamp `ts`.
    pub fn to_epoch(&self, ts: u64) -> i64 {
        ts as i64 + self.offset
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_time_lands_near_now() {
        let c = Clock::new();
        let real = now(libc::CLOCK_REALTIME);
        let mapped = c.to_epoch(now(libc::CLOCK_MONOTONIC) as u64);
        assert!((mapped - real).abs() < 1_000_000_000);
    }
}
