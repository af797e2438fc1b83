/// LMDB 0.9's on-disk layout (64-bit builds, host byte order), read in Swift before LMDB maps
/// the file, so that damage LMDB would not survive is reported as an error instead.
///
/// LMDB trusts its file: it maps as many pages as the meta page counts, so in a truncated file a
/// read past the end faults (SIGBUS); it follows node offsets, sizes and page numbers read from
/// the pages, so damage sends it outside a page or the map (SIGSEGV); and a damaged branch page
/// can trip one of its assertions (abort). So the reader first checks the two meta pages against
/// the file size, then walks every branch and leaf page of the main B-tree once, checking each
/// page number, page header, node and key order against the file and the page, before LMDB opens
/// the file.
///
/// Layout constants are from mdb.c (LMDB 0.9.x): `MDB_page` header 16 bytes (pgno u64, pad u16,
/// flags u16, lower u16, upper u16), `MDB_meta` after it, `MDB_node` 8 bytes plus key plus data.
enum LMDBLayout {
    static let pageHeaderSize = 16
    static let magic: UInt32 = 0xBEEF_C0DE
    static let dataVersion: UInt32 = 1
    /// Bytes of page 0 needed to read one meta page: page header plus `MDB_meta`.
    static let metaPageBytes = 152
    static let noPage = UInt64.max  // P_INVALID: the root of an empty tree
    static let maxDepth = 32  // CURSOR_STACK: LMDB cannot descend deeper

    enum PageFlag {
        static let branch: UInt16 = 0x01, leaf: UInt16 = 0x02, overflow: UInt16 = 0x04, meta: UInt16 = 0x08
        static let leaf2: UInt16 = 0x20, subpage: UInt16 = 0x40
        /// The bits that say what a page is; others (dirty, loose, keep) are bookkeeping.
        static let typeMask: UInt16 = branch | leaf | overflow | meta | leaf2 | subpage
    }

    enum NodeFlag {
        static let bigData: UInt16 = 0x01
    }

    /// One `MDB_db` record: a B-tree's shape as the meta page records it.
    struct Tree: Equatable {
        let flags: UInt16
        let depth: Int
        let branchPages: UInt64
        let leafPages: UInt64
        let overflowPages: UInt64
        let entries: UInt64
        let root: UInt64
    }

    /// What the newer meta page (the one LMDB uses) says.
    struct Meta {
        let pageSize: Int
        let lastPage: UInt64
        let transactionID: UInt64
        let main: Tree
        /// The file length LMDB's map must cover: (last page + 1) × page size.
        var requiredFileSize: Int { (Int(lastPage) + 1) * pageSize }
    }

    // MARK: Meta pages

    /// Reads and checks both meta pages of the file open as `fd` (`fileSize` bytes) and returns
    /// the newer one, which LMDB will use. Throws `notAPlot` for files that are not LMDB files,
    /// `truncated` when the file is shorter than the meta page requires, `corrupt` when a meta page
    /// is damaged.
    static func readMeta(fd: Int32, fileSize: Int, path: String) throws(PlotStoreError) -> Meta {
        func notAPlot(_ reason: String) -> PlotStoreError { PlotStoreError(.notAPlot(path: path, reason: reason)) }
        func corrupt(_ reason: String) -> PlotStoreError { PlotStoreError(.corrupt(path: path, key: nil, reason: reason)) }

        guard fileSize > 0 else { throw notAPlot("the file is empty") }
        let first = try FileSystem.read(fd, count: metaPageBytes, at: 0, path: path)
        guard first.count == metaPageBytes else { throw notAPlot("the file is only \(fileSize) bytes, too short for an LMDB meta page") }
        let meta0 = try parseMeta(first, notAPlot: notAPlot)
        let pageSize = meta0.pageSize
        guard fileSize >= 2 * pageSize else {
            throw PlotStoreError(.truncated(path: path, expectedBytes: 2 * pageSize, actualBytes: fileSize))
        }
        let second = try FileSystem.read(fd, count: metaPageBytes, at: pageSize, path: path)
        let meta1 = try parseMeta(second, notAPlot: { reason in corrupt("meta page 1: \(reason)") })
        guard meta1.pageSize == pageSize else {
            throw corrupt("the meta pages disagree on the page size (\(pageSize) and \(meta1.pageSize))")
        }
        // mdb_env_pick_meta: the meta page with the larger transaction id is current.
        let meta = meta1.transactionID > meta0.transactionID ? meta1 : meta0
        guard meta.lastPage >= 1, meta.lastPage < UInt64(Int.max / pageSize) - 1 else {
            throw corrupt("the meta page's last page number \(meta.lastPage) is impossible")
        }
        guard fileSize >= meta.requiredFileSize else {
            throw PlotStoreError(.truncated(path: path, expectedBytes: meta.requiredFileSize, actualBytes: fileSize))
        }
        return meta
    }

    private static func parseMeta(_ page: [UInt8], notAPlot: (String) -> PlotStoreError) throws(PlotStoreError) -> Meta {
        guard page.count == metaPageBytes else { throw notAPlot("the meta page is cut short") }
        let (magicFound, flags, version, pageSize, meta) = page.withUnsafeBytes { bytes in
            // The free-page tree's md_pad holds the page size (mm_psize).
            let pageSize = Int(u32(bytes, 40))
            return (u32(bytes, 16), u16(bytes, 10), u32(bytes, 20), pageSize,
                    Meta(pageSize: pageSize, lastPage: u64(bytes, 136), transactionID: u64(bytes, 144), main: tree(bytes, at: 88)))
        }
        guard magicFound == magic else { throw notAPlot("no LMDB magic number: not an LMDB file") }
        guard flags & PageFlag.meta != 0 else { throw notAPlot("page is not marked as an LMDB meta page") }
        guard version == dataVersion else {
            throw notAPlot("LMDB data format version \(version); this build reads version \(dataVersion)")
        }
        guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0 else {
            throw notAPlot("LMDB page size \(pageSize) is impossible")
        }
        return meta
    }

    private static func tree(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Tree {
        Tree(flags: u16(bytes, offset + 4), depth: Int(u16(bytes, offset + 6)),
             branchPages: u64(bytes, offset + 8), leafPages: u64(bytes, offset + 16),
             overflowPages: u64(bytes, offset + 24), entries: u64(bytes, offset + 32), root: u64(bytes, offset + 40))
    }

    // MARK: The main B-tree

    /// What the walk of the main tree found.
    struct Contents {
        /// Leaf entries, the container record included.
        var entries: UInt64 = 0
        /// `KeyDigest` of every key but the container record's.
        var keyDigest = KeyDigest()
    }

    /// Walks every branch and leaf page of the main tree of the file open as `fd`, in key order,
    /// and checks that LMDB can follow it without leaving the file or a page and that every
    /// lookup reaches its key: page numbers within the file, each page visited once, page kinds
    /// matching the depth, node offsets and sizes inside their page, overflow runs inside the
    /// file, keys strictly increasing and inside the ranges their branch keys give, and the page
    /// and entry counts the meta page records. Reads (with pread, so a file that shrinks meanwhile
    /// is an error, not a fault) only branch and leaf pages, never the values' overflow pages.
    static func checkMainTree(fd: Int32, fileSize: Int, meta: Meta, path: String) throws(PlotStoreError) -> Contents {
        func corrupt(_ reason: String) -> PlotStoreError { PlotStoreError(.corrupt(path: path, key: nil, reason: reason)) }
        let tree = meta.main, pageSize = meta.pageSize
        let pageLimit = min(meta.lastPage + 1, UInt64(fileSize / pageSize))  // pages LMDB may use that the file holds
        var contents = Contents()

        guard tree.flags == 0 else { throw corrupt("the main database has flags \(tree.flags); a plot uses none") }
        if tree.root == noPage {
            guard tree.depth == 0, tree.entries == 0 else { throw corrupt("the main database has no root but \(tree.entries) entries") }
            return contents
        }
        guard (1...maxDepth).contains(tree.depth) else { throw corrupt("the main tree's depth \(tree.depth) is impossible") }

        /// A page still to visit, with the range its keys must lie in: lower ≤ key < upper.
        struct Pending {
            let page: UInt64
            let level: Int
            let lower: [UInt8]?
            var upper: [UInt8]?
        }
        var visited = Set<UInt64>()
        var pending = [Pending(page: tree.root, level: 1, lower: nil, upper: nil)]
        var previousKey: [UInt8]?
        var branchPages: UInt64 = 0, leafPages: UInt64 = 0, overflowPages: UInt64 = 0
        while let next = pending.popLast() {
            let pageNumber = next.page
            guard pageNumber >= 2, pageNumber < pageLimit else {
                throw corrupt("tree page number \(pageNumber) is outside the file's pages 2..<\(pageLimit)")
            }
            guard visited.insert(pageNumber).inserted else { throw corrupt("tree page \(pageNumber) is referenced twice") }
            let page = try FileSystem.read(fd, count: pageSize, at: Int(pageNumber) * pageSize, path: path)
            guard page.count == pageSize else {
                throw PlotStoreError(.truncated(path: path, expectedBytes: (Int(pageNumber) + 1) * pageSize,
                                                actualBytes: Int(pageNumber) * pageSize + page.count))
            }
            func pageCorrupt(_ reason: String) -> PlotStoreError { corrupt("page \(pageNumber): \(reason)") }

            guard u64(page, 0) == pageNumber else { throw pageCorrupt("its header says it is page \(u64(page, 0))") }
            let kind = u16(page, 10) & PageFlag.typeMask
            let isLeaf = next.level == tree.depth
            guard kind == (isLeaf ? PageFlag.leaf : PageFlag.branch) else {
                throw pageCorrupt("flags \(u16(page, 10)) where a \(isLeaf ? "leaf" : "branch") page belongs")
            }
            let lower = Int(u16(page, 12)), upper = Int(u16(page, 14))
            guard lower >= pageHeaderSize, (lower - pageHeaderSize) % 2 == 0, lower <= upper, upper <= pageSize else {
                throw pageCorrupt("free-space bounds \(lower)..<\(upper) are impossible")
            }
            let count = (lower - pageHeaderSize) / 2
            // LMDB asserts that main-tree branch pages hold at least two nodes.
            guard count >= (isLeaf ? 1 : 2) else { throw pageCorrupt("\(count) nodes on a \(isLeaf ? "leaf" : "branch") page") }
            if isLeaf { leafPages += 1 } else { branchPages += 1 }

            var children: [Pending] = []
            var previousInPage: ArraySlice<UInt8>?
            for i in 0..<count {
                let node = Int(u16(page, pageHeaderSize + 2 * i))
                guard node >= upper, node % 2 == 0, node + 8 <= pageSize else {
                    throw pageCorrupt("node \(i) at offset \(node) is outside the page's node area")
                }
                let low = UInt64(u16(page, node)), high = UInt64(u16(page, node + 2))
                let flags = u16(page, node + 4), keySize = Int(u16(page, node + 6))
                let dataStart = node + 8 + keySize
                guard keySize <= PlotKey.maxLength, dataStart <= pageSize else { throw pageCorrupt("node \(i) has a key of \(keySize) bytes") }
                let key = page[node + 8..<dataStart]
                let inRange = !(next.lower.map { key.lexicographicallyPrecedes($0) } ?? false)
                    && (next.upper.map { key.lexicographicallyPrecedes($0) } ?? true)
                // Keys increase within the page, and across leaf pages in key order.
                let increasing = (previousInPage ?? (isLeaf ? previousKey?[...] : nil)).map { $0.lexicographicallyPrecedes(key) } ?? true
                if !isLeaf {
                    // LMDB never compares the first branch key; the others split the range.
                    if i > 0 {
                        guard inRange, increasing else { throw pageCorrupt("branch key \(i) is out of order") }
                        previousInPage = key
                    }
                    // NODEPGNO: lo | hi << 16 | flags << 32.
                    children.append(Pending(page: low | high << 16 | UInt64(flags) << 32, level: next.level + 1,
                                            lower: i == 0 ? next.lower : Array(key), upper: nil))
                    continue
                }
                guard keySize >= 1 else { throw pageCorrupt("node \(i) has an empty key") }
                guard inRange, increasing else { throw pageCorrupt("key of node \(i) is out of order") }
                previousInPage = key
                contents.entries += 1
                if !key.elementsEqual(PlotKey.container.bytes) { contents.keyDigest.add(key) }
                let dataSize = Int(low | high << 16)
                if flags == 0 {
                    guard dataStart + dataSize <= pageSize else { throw pageCorrupt("node \(i)'s \(dataSize) data bytes overrun the page") }
                } else if flags == NodeFlag.bigData {
                    guard dataStart + 8 <= pageSize else { throw pageCorrupt("node \(i)'s overflow page number overruns the page") }
                    let first = u64(page, dataStart)
                    let pages = UInt64((pageHeaderSize - 1 + dataSize) / pageSize + 1)  // OVPAGES
                    guard first >= 2, first < pageLimit, pages <= pageLimit - first else {
                        throw pageCorrupt("node \(i)'s value (\(pages) overflow pages from page \(first)) is outside the file's pages 2..<\(pageLimit)")
                    }
                    overflowPages += pages
                } else {
                    throw pageCorrupt("node \(i) has flags \(flags); a plot stores only plain values")
                }
            }
            if isLeaf, let last = previousInPage { previousKey = Array(last) }
            // Each child's keys lie below the next branch key; visit children left to right.
            for i in children.indices.reversed() {
                var child = children[i]
                child.upper = i + 1 < children.count ? children[i + 1].lower : next.upper
                pending.append(child)
            }
        }
        let found = Tree(flags: tree.flags, depth: tree.depth, branchPages: branchPages, leafPages: leafPages,
                         overflowPages: overflowPages, entries: contents.entries, root: tree.root)
        guard found == tree else {
            throw corrupt("the meta page records \(tree.branchPages) branch, \(tree.leafPages) leaf, \(tree.overflowPages) overflow pages "
                + "and \(tree.entries) entries; the tree has \(branchPages), \(leafPages), \(overflowPages) and \(contents.entries)")
        }
        return contents
    }

    // MARK: Host-order loads (LMDB writes its structures in the host's byte order)

    static func u16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
    }

    static func u32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
    }

    static func u64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }

    static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 { bytes.withUnsafeBytes { u16($0, offset) } }
    static func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 { bytes.withUnsafeBytes { u64($0, offset) } }
}
