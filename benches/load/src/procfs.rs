//! The server's CPU time and resident memory, read from /proc (Linux).

use std::fs;

/// CPU time of a process, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuTime {
    pub user: u64,
    /// In the kernel on the process's behalf (system calls, and on loopback also the
    /// receiving side's network processing).
    pub system: u64,
}

impl CpuTime {
    pub fn total(&self) -> u64 {
        self.user + self.system
    }

    /// The time spent from `earlier` to `self`.
    pub fn since(&self, earlier: &CpuTime) -> CpuTime {
        CpuTime {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
        }
    }
}

/// User and system CPU time of `pid`.
pub fn cpu_time(pid: u32) -> Option<CpuTime> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    let micros =
        |ticks: &str| Some(ticks.parse::<u64>().ok()? * 1_000_000 / clock_ticks_per_second());
    Some(CpuTime {
        user: micros(fields.get(11)?)?,
        system: micros(fields.get(12)?)?,
    })
}

/// Resident set size of `pid`, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The highest resident set size of `pid` since it started or since [`reset_peak`], in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Start measuring `pid`'s peak resident size afresh (Linux: `5` to `clear_refs`).
pub fn reset_peak(pid: u32) -> bool {
    fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

fn clock_ticks_per_second() -> u64 {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as u64
    } else {
        100
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        assert!(rss_kib(me).unwrap() > 0);
        // Burn a little CPU so the counter is past zero on any clock.
        let mut x = 0u64;
        for i in 0..50_000_000u64 {
            x = x.wrapping_add(i * i);
        }
        assert!(x > 0);
        assert!(cpu_time(me).unwrap().user > 0);
    }
}
