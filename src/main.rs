// The rule engine allocates many small values; mimalloc serves that pattern far better than the
// system allocator (measured: see benches/rule_pack.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the mimalloc (v3) that `libmimalloc-sys` builds, which does not
/// export it as a constant; `purge_delay_is_the_option_we_set` below fails if that changes.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    use_small_pages();
    tillsyn::cli::run()
}

/// A run builds its tree, frees temporaries and allocates again within seconds and then exits.
/// By default mimalloc hands freed pages back to the kernel after a second, and the next allocation
/// takes them back as fresh pages, which the kernel zeroes: measured at a million records, that
/// zeroing was a third of all the time. Keeping freed memory for the process's short life costs
/// nothing and saves that. `MIMALLOC_PURGE_DELAY` in the environment still wins.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's integer options, which it reads atomically; no memory
        // is touched.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}

/// Transparent huge pages make every first touch zero 2 MiB at once and, on a host whose memory
/// is fragmented, wait for the kernel to compact memory into such a page. Measured on the plain
/// register of a million assets (alternating runs): 2.85–3.16 s and 876–882 MiB with 4 KiB
/// pages against 3.36–3.63 s and 921–933 MiB with huge pages. mimalloc's own switch
/// (`MIMALLOC_ALLOW_THP=0`) is read before `main`, when its first arena is already mapped, so
/// the process asks the kernel instead, which applies to every mapping from then on. Setting
/// `MIMALLOC_ALLOW_THP` in the environment leaves the choice to mimalloc.
fn use_small_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE sets a flag of this process; no memory is touched. Should
        // it fail (an old kernel), huge pages stay as they were.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_is_the_option_we_set() {
        // SAFETY: reads and sets integer options of the allocator.
        unsafe {
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                // purge_delay's default in v3 (1,000 ms), which no neighbouring option has.
                assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), 1000);
            }
            keep_freed_memory();
            assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), -1);
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn huge_pages_are_off() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
            use_small_pages();
            // SAFETY: reads a flag of this process.
            assert_eq!(
                unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) },
                1
            );
        }
    }
}
