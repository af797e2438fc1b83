import Compute
import Dispatch
import Synchronization
import Testing

/// Listing the OpenCL devices from several threads at once gives every thread the same list.
/// Only a process's first listings can race (the ICD loader sets its drivers up then), so the
/// test catches a race when it runs alone (`--filter OpenCLDevicesTests`).
@Suite struct OpenCLDevicesTests {
    @Test func listingsAtOnceAgree() {
        let lists = Mutex([[String]]())
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let names = ((try? OpenCLDevices.all()) ?? []).map { "\($0.platformIndex):\($0.deviceIndex) \($0.name)" }
            lists.withLock { $0.append(names) }
        }
        let all = lists.withLock { $0 }
        #expect(all.count == 4)
        #expect(Set(all).count == 1, "\(all)")
        #expect(all.first?.isEmpty == false, "no OpenCL device: install pocl-opencl-icd (tools/setup does)")
    }
}
