import Foundation
import PlotStore
import Testing
import TestRandom

/// One reader serves many threads at once.
@Suite struct ConcurrencyTests {
    /// Counts mismatches and errors from many threads.
    private final class Tally: @unchecked Sendable {
        // Safety: every access holds `lock`.
        private let lock = NSLock()
        private var reads = 0
        private var failures: [String] = []

        func record(reads count: Int, failures found: [String]) {
            lock.lock()
            defer { lock.unlock() }
            reads += count
            failures += found
        }

        var result: (reads: Int, failures: [String]) {
            lock.lock()
            defer { lock.unlock() }
            return (reads, failures)
        }
    }

    @Test func concurrentReadsFromOneReaderAreCorrect() throws {
        let directory = try ScratchDirectory()
        let frames = (0..<16).map { compressibleBytes(40_000 + $0 * 1_000, seed: 40 + UInt64($0)) }
        let small = (0..<500).map { randomBytes($0 % 300, seed: 100 + UInt64($0)) }
        let writer = try PlotWriter(directory: directory.url, fileName: "p.plot")
        try writer.put(PlotKey("frames"), frames: frames)
        for (i, value) in small.enumerated() { try writer.put(PlotKey(table: 1, index: UInt64(i)), value) }
        let reader = try PlotReader(path: try writer.finish())

        let threads = 8, readsPerThread = 400
        let tally = Tally()
        let done = DispatchGroup()
        for t in 0..<threads {
            done.enter()
            let thread = Thread {
                var generator = SplitMix64(seed: UInt64(t))
                var failures: [String] = []
                for _ in 0..<readsPerThread {
                    let pick = Int(generator.next() % 1_000)
                    do {
                        if pick < 500 {
                            let frame = pick % frames.count
                            if try reader.get(PlotKey("frames"), frame: frame) != frames[frame] { failures.append("frame \(frame)") }
                        } else if try reader.get(PlotKey(table: 1, index: UInt64(pick - 500))) != small[pick - 500] {
                            failures.append("small \(pick - 500)")
                        }
                    } catch {
                        failures.append("\(error)")
                    }
                }
                if t == 0, (try? reader.get(PlotKey("frames"))) != frames.flatMap({ $0 }) { failures.append("all frames") }
                tally.record(reads: readsPerThread, failures: failures)
                done.leave()
            }
            thread.start()
        }
        done.wait()
        let result = tally.result
        #expect(result.reads == threads * readsPerThread)
        #expect(result.failures.isEmpty, "\(result.failures.prefix(10))")
    }
}
