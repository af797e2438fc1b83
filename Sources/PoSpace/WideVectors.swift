import Foundation

/// Whether BLAKE3's lanes run their AVX-512 build (`BLAKE3Wide.compress`): only when the
/// build made one (not `DAYLIGHT_TARGET_CPU=generic`), the CPU and the kernel offer every
/// AVX-512 extension that code may use (Linux lists them in /proc/cpuinfo only when the kernel
/// saves their registers), and `DAYLIGHT_AVX512` is not `0`. Decided here, in code built for
/// the baseline target: the check itself must run on any CPU.
public enum WideVectors {
    /// The extensions `-target-cpu skylake-avx512` may use.
    static let required: Set<Substring> = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    public static let available: Bool = {
        #if DAYLIGHT_WIDE_VECTORS
        if let setting = ProcessInfo.processInfo.environment["DAYLIGHT_AVX512"], setting == "0" { return false }
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        return required.isSubset(of: Set(flags.split(separator: " ")))
        #else
        return false
        #endif
    }()
}
