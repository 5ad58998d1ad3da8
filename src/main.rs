// The rule engine allocates many small values; mimalloc serves that pattern far better than the
// system allocator (measured: see benches/rule_pack.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the mimalloc (v3) that `libmimalloc-sys` builds, which does not
/// export it as a constant; `purge_delay_is_the_option_we_set` below fails if that changes.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    keep_freed_memory();
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
}
