/// CRC-32C (Castagnoli: reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF),
/// the checksum of iSCSI, ext4 and LevelDB. Check value: CRC-32C of "123456789" is 0xE3069283.
///
/// Used only over value headers (tens of bytes per read), so a byte-at-a-time table is enough.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { (n: UInt32) -> UInt32 in
        var crc = n
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// A running checksum: feed bytes with `update`, read `value` at the end.
    struct Running {
        private var state: UInt32 = 0xFFFF_FFFF

        mutating func update(_ bytes: some Sequence<UInt8>) {
            CRC32C.table.withUnsafeBufferPointer { table in
                for byte in bytes { state = table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8) }
            }
        }

        mutating func update(littleEndian value: UInt32) {
            withUnsafeBytes(of: value.littleEndian) { update($0) }
        }

        var value: UInt32 { state ^ 0xFFFF_FFFF }
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc = Running()
        crc.update(bytes)
        return crc.value
    }
}
