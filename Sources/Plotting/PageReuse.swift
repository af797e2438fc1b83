import Glibc

/// Keeps the pages of freed buffers in the process for the next table's buffers.
///
/// Each table allocates arrays of hundreds of MiB. By default glibc maps every large block
/// afresh and unmaps it when freed, so every table pays the kernel for faulting in and zeroing
/// its pages again (a fifth of all plotting time at k = 23). Serving large blocks from the heap
/// and never trimming it lets the next table reuse the pages the last one freed. One heap for
/// all threads: blocks freed in another thread's arena (the matcher's pairs, parks being
/// encoded) were never reused by the main one, and at k = 24 held 120-150 MiB of pages apart.
enum PageReuse {
    /// glibc's `mallopt`, looked up at run time: Swift's Glibc module leaves out malloc.h.
    private typealias MallOpt = @convention(c) (Int32, Int32) -> Int32

    static func keepFreedPages() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(-4, 0)              // M_MMAP_MAX: large blocks come from the heap too
        _ = mallopt(-1, Int32.max)      // M_TRIM_THRESHOLD: never give the heap's top back
        _ = mallopt(-8, 1)              // M_ARENA_MAX: every thread allocates from the one heap
    }
}
