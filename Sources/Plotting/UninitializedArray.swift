extension Array where Element: BitwiseCopyable {
    /// `count` elements left as the allocator hands them out, for buffers that are overwritten
    /// whole before anything reads them. Zero-filling a table's arrays first costs a serial pass
    /// over hundreds of MiB per table (a tenth of phase 1 at k = 24).
    init(uninitializedCount count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
