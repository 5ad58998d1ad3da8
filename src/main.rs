use std::alloc::{GlobalAlloc, Layout};

use libmimalloc_sys as mi;

// The rule engine allocates many small values; mimalloc serves that pattern far better than the
// system allocator (measured: see benches/rule_pack.rs).
#[global_allocator]
static ALLOCATOR: Mimalloc = Mimalloc;

/// mimalloc, asked for alignment only when an allocation needs more than `mi_malloc` gives, as
/// the standard library's system allocator does with `malloc`. The `mimalloc` crate's allocator
/// calls the aligned functions for every allocation, and their extra checks were 5 % of all
/// instructions of a run (callgrind, 10k city).
struct Mimalloc;

/// What `mi_malloc` guarantees, as `malloc` does: alignment to 16 bytes, or to the size when
/// that is smaller.
const MALLOC_ALIGNMENT: usize = 16;

fn plain(layout: Layout) -> bool {
    layout.align() <= MALLOC_ALIGNMENT && layout.align() <= layout.size()
}

// SAFETY: each function passes the caller's layout on to mimalloc, which returns memory of at
// least that size and alignment (or null), and frees what it allocated; `plain` layouts are those
// `mi_malloc`'s guarantee covers, the rest go to the aligned functions.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain(layout) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain(layout) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, pointer: *mut u8, _layout: Layout) {
        // SAFETY: see the impl; mimalloc frees aligned and plain blocks alike.
        unsafe { mi::mi_free(pointer.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl; the block keeps its alignment, checked against the new size.
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            if plain(new_layout) {
                mi::mi_realloc(pointer.cast(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(pointer.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

/// `mi_option_purge_delay` in the mimalloc (v3) that `libmimalloc-sys` builds, which does not
/// export it as a constant; `purge_delay_is_the_option_we_set` below fails if that changes.
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

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
        unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
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
                assert_eq!(mi::mi_option_get(MI_OPTION_PURGE_DELAY), 1000);
            }
            keep_freed_memory();
            assert_eq!(mi::mi_option_get(MI_OPTION_PURGE_DELAY), -1);
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
