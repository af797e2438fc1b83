import Foundation
import XCTest

@testable import Farming

final class LookupPoolTests: XCTestCase {
    /// A lookup that overruns the deadline is named late, and the answer does not wait for it.
    func testDeadlineReturnsWhatFinishedAndNamesTheLate() async {
        let pool = LookupPool(threads: 4)
        let start = ContinuousClock.now
        let outcome = await pool.run(count: 4, deadline: start + .milliseconds(300)) { i -> Int in
            if i == 2 { Thread.sleep(forTimeInterval: 2) }
            return i * 10
        }
        let elapsed = ContinuousClock.now - start
        XCTAssertLessThan(elapsed, .milliseconds(1500), "the answer must not wait for the slow lookup")
        XCTAssertEqual(outcome.late, [2])
        XCTAssertEqual(outcome.finished.map(\.index).sorted(), [0, 1, 3])
        XCTAssertEqual(outcome.finished.compactMap { try? $0.result.get() }.sorted(), [0, 10, 30])
        await pool.shutdown()
    }

    /// A lookup that throws is reported with its error, not dropped or counted late.
    func testFailuresAreReported() async {
        struct Broken: Error {}
        let pool = LookupPool(threads: 2)
        let outcome = await pool.run(count: 3, deadline: .now + .seconds(5)) { i -> Int in
            if i == 1 { throw Broken() }
            return i
        }
        XCTAssertEqual(outcome.late, [])
        XCTAssertEqual(outcome.finished.count, 3)
        XCTAssertTrue(outcome.finished.contains { $0.index == 1 && (try? $0.result.get()) == nil })
        await pool.shutdown()
    }
}
