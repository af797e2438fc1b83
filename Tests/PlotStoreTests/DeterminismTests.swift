import Foundation
import PlotStore
import Testing

/// Equal sequences of puts give byte-identical files.
@Suite struct DeterminismTests {
    @Test func equalPutsGiveIdenticalFiles() throws {
        let directory = try ScratchDirectory()
        // More puts than one transaction takes, so several commits (and LMDB's page reuse) happen.
        var content = SampleContent.mixed(smallKeys: PlotWriter.putsPerTransaction + 700, seed: 9)
        content.values += (0..<4).map { (PlotKey(name: "big", index: UInt64($0)), [randomBytes(300_000, seed: 20 + UInt64($0))]) }

        let first = try content.write(to: directory.url, name: "first.plot")
        // Churn the heap between the runs so uninitialized memory would differ if it reached the file.
        let churn = (0..<200).map { randomBytes(1 + $0 * 97, seed: UInt64($0)) }
        let second = try content.write(to: directory.url, name: "second.plot")
        #expect(churn.count == 200)

        let firstBytes = try Data(contentsOf: first), secondBytes = try Data(contentsOf: second)
        #expect(firstBytes.count > 1_200_000)
        #expect(firstBytes == secondBytes)

        // A one-byte change in one value changes the file.
        content.values[3].frames[2][0] ^= 1
        let third = try content.write(to: directory.url, name: "third.plot")
        #expect(try Data(contentsOf: third) != firstBytes)
    }
}
