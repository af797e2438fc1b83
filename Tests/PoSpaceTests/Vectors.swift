import Foundation
import PoSpace

/// The chiapos reference vectors bundled in `vectors/chiapos/`.
enum Vectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("vectors/chiapos")

    struct ProofRow: Sendable {
        let plotID: PlotID
        let k: Int
        let challenge: Challenge
        let proof: [UInt8]
        let quality: QualityString
    }

    static func text(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// `test_proofs_k21.txt`: plot_id, k, challenge, proof, quality.
    static let proofs: [ProofRow] = text("test_proofs_k21.txt").split(separator: "\n").map { line in
        let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return ProofRow(plotID: PlotID(hex: f[0])!, k: Int(f[1])!, challenge: Challenge(hex: f[2])!,
                        proof: Hex.decode(f[3])!, quality: QualityString(hex: f[4])!)
    }

    struct FxRow: Sendable {
        let table: Int, k: Int
        let left: [UInt8], right: [UInt8], yLeft: UInt64, y: UInt64
        let collated: [UInt8]?
    }

    /// `fx_vectors.csv`: table, k, left_meta, right_meta, y_left, expected_y, expected_collated_meta.
    static let fx: [FxRow] = text("fx_vectors.csv").split(separator: "\n").dropFirst().map { line in
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func int(_ s: String) -> UInt64 { UInt64(s.dropFirst(2), radix: 16)! }
        func bytes(_ s: String) -> [UInt8] {
            let digits = String(s.dropFirst(2))
            return Hex.decode(digits.count % 2 == 0 ? digits : "0" + digits)!
        }
        return FxRow(table: Int(f[0])!, k: Int(f[1])!, left: bytes(f[2]), right: bytes(f[3]),
                     yLeft: int(f[4]), y: int(f[5]), collated: f[6].isEmpty ? nil : bytes(f[6]))
    }
}
