/// The fixed parameters of Chia's original proof of space (format v1.0).
public enum Parameters {
    /// Extra bits appended to every f output: an output has k + `extraBits` bits.
    public static let extraBits = 6
    /// Width of the matching "b" coordinate.
    public static let kB: UInt64 = 119
    /// Width of the matching "c" coordinate.
    public static let kC: UInt64 = 127
    /// Size of a matching bucket: `kB * kC`.
    public static let kBC: UInt64 = 15113
    /// Number of x values in a proof.
    public static let proofSize = 64
    /// Smallest plot size the construction allows.
    public static let minK = 18
    /// Largest plot size the construction allows.
    public static let maxK = 50
    /// The plot sizes the construction allows.
    public static let kRange = minK...maxK

    /// Metadata carried by the entries of table `t`, in units of k bits: table 1 carries x,
    /// tables 2–6 the collated values, table 7 nothing.
    @inlinable
    public static func metadataUnits(ofTable t: Int) -> Int {
        switch t {
        case 1: return 1
        case 2: return 2
        case 3, 4: return 4
        case 5: return 3
        case 6: return 2
        default: return 0
        }
    }
}
