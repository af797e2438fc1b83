extension Array where Element: BitwiseCopyable {
    /// `count` elements left as the allocator hands them out, for buffers that are overwritten
    /// whole before anything reads them. Zero-filling a table's arrays first cost a serial pass
    /// over hundreds of MiB per table, on one thread while the other waited (memset and page
    /// faults were 5 % of phase 1's samples at k = 24).
    init(uninitializedCount count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
