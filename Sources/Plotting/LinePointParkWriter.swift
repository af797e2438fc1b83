import PlotStore

/// Phase 4 for one line-point table: its line points in ascending order, in any number of
/// pieces, stored as parks (`ParkStream`).
typealias LinePointParkWriter = ParkStream<LinePointParks>

/// Line-point parks: stubs of `stubBits` bits and the deltas above them (`LinePointPark`).
struct LinePointParks: ParkEncoding {
    let stubBits: Int

    func sections(of words: UnsafeBufferPointer<UInt64>) -> (bits: [UInt8], deltas: [UInt8]) {
        LinePointPark.encodeSections(words, stubBits: stubBits)
    }

    /// A line-point table is its parks alone.
    func finish(parkFirstWords: [UInt64], to writer: PlotWriter) throws(PlotStoreError) {}
}

extension ParkStream where Encoding == LinePointParks {
    init(table: Int, stubBits: Int, threads: Int, writer: PlotWriter) {
        self.init(table: table, encoding: LinePointParks(stubBits: stubBits), threads: threads, writer: writer)
    }
}
