//! The global allocator: mimalloc, called directly.
//!
//! Evaluation allocates and frees many small objects (thunks, environments, strings);
//! mimalloc's per-size free lists make that several times cheaper than the system allocator.
//! The `mimalloc` crate routes every allocation through `mi_malloc_aligned`, whose
//! alignment checks showed up in profiles; this wrapper uses the plain entry points whenever
//! the alignment is one mimalloc guarantees anyway (up to 16 bytes, and not more than the
//! size).

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// mimalloc as the process allocator.
pub struct MiMalloc;

const GUARANTEED_ALIGN: usize = 16;

#[inline]
fn plain(layout: &Layout) -> bool {
    layout.align() <= GUARANTEED_ALIGN && layout.align() <= layout.size()
}

// SAFETY: each method forwards to the mimalloc function with the same contract; the plain
// entry points are only used for alignments mimalloc guarantees for that size.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe {
            if plain(&layout) {
                mi::mi_malloc(layout.size()) as *mut u8
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe {
            if plain(&layout) {
                mi::mi_zalloc(layout.size()) as *mut u8
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { mi::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            if layout.align() <= GUARANTEED_ALIGN && layout.align() <= new_size {
                mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
            } else {
                mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            }
        }
    }
}

// `mi_option_set` is part of mimalloc's C API; `libmimalloc-sys` only declares it behind a
// feature we don't need otherwise.
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc v3's `mimalloc.h`.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Tunes the allocator for evaluation: freed memory is returned to the OS only after it has
/// been unused for a second, not after 10 ms. Evaluation frees and reallocates in waves, and
/// returning pages early made the kernel zero fresh pages for a quarter of the run time.
pub fn configure() {
    // SAFETY: setting an option is allowed at any time and takes plain integers.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 1000) }
}

/// Parsed source text beyond which an evaluation counts as large (the 30,000-option module
/// benchmark parses ~5 MiB; a NixOS system ~10 MiB).
const LARGE_EVALUATION_SOURCES: u64 = 4 << 20;

static THP_OFF: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Told how much source text the evaluator has parsed so far. Transparent huge pages make a
/// small evaluation faster (a 2 MiB page is one page fault instead of 512) but cost memory
/// in a large one: every size class and region of the heap holds a partly used 2 MiB page,
/// ~5 % of the peak at 100,000 options. Once the sources say the evaluation is large, the
/// rest of its memory comes in 4 KiB pages.
pub fn sources_parsed(total_bytes: u64) {
    use std::sync::atomic::Ordering;
    if total_bytes > LARGE_EVALUATION_SOURCES && !THP_OFF.swap(true, Ordering::Relaxed) {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and only changes how future page
        // faults of this process are served; failure (old kernels) changes nothing.
        #[cfg(target_os = "linux")]
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}
