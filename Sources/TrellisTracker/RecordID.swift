import TrellisModel
import Foundation

/// Makes evidence ids: UUIDs in the version 7 layout (RFC 9562) — a millisecond timestamp,
/// then a counter, then random bits. They are as unique as random UUIDs but increase over
/// time, so inserting a million records appends to the id index instead of scattering
/// writes across it.
final class RecordIDGenerator {
    private var lastMillisecond: UInt64 = 0
    private var counter: UInt64 = 0
    private var random = BufferedRandom()

    func next() -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            next(into: buffer.baseAddress!)
            return 36
        }
    }

    /// Writes the next id's 36 characters (no String allocated: the import binds them directly).
    func next(into buffer: UnsafeMutablePointer<UInt8>) {
        var millisecond = UInt64(Date().timeIntervalSince1970 * 1000)
        if millisecond <= lastMillisecond {
            millisecond = lastMillisecond
            counter += 1
            if counter >= 1 << 41 { millisecond += 1; counter = random.next() & ((1 << 40) - 1) }
        } else {
            counter = random.next() & ((1 << 40) - 1)
        }
        lastMillisecond = millisecond
        // 48 bits time | 4 bits version | 12 bits counter (high) | 2 bits variant | 30 bits counter (low) | 32 bits random
        let high = (millisecond << 16) | (0x7 << 12) | ((counter >> 30) & 0xFFF)
        let low = (UInt64(0b10) << 62) | ((counter & 0x3FFF_FFFF) << 32) | (random.next() & 0xFFFF_FFFF)
        RecordIDGenerator.format(high, low, into: buffer)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func format(_ high: UInt64, _ low: UInt64, into buffer: UnsafeMutablePointer<UInt8>) {
        do {
            var position = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[position] = digits[Int((value >> UInt64(shift)) & 0xF)]
                    position += 1
                }
            }
            func dash() { buffer[position] = UInt8(ascii: "-"); position += 1 }
            put(high >> 32, nibbles: 8); dash()
            put((high >> 16) & 0xFFFF, nibbles: 4); dash()
            put(high & 0xFFFF, nibbles: 4); dash()
            put(low >> 48, nibbles: 4); dash()
            put(low & 0xFFFF_FFFF_FFFF, nibbles: 12)
        }
    }
}

/// The system's random numbers, fetched 256 bytes at a time (`getentropy`'s limit): a million
/// ids would otherwise make two million system calls.
struct BufferedRandom: RandomNumberGenerator {
    private var buffer = [UInt64](repeating: 0, count: 32)
    private var position = 32
    private var system = SystemRandomNumberGenerator()

    mutating func next() -> UInt64 {
        if position == buffer.count {
            let filled = buffer.withUnsafeMutableBytes { bytes in
                getentropy(bytes.baseAddress, bytes.count) == 0
            }
            if !filled { for index in buffer.indices { buffer[index] = system.next() } }
            position = 0
        }
        defer { position += 1 }
        return buffer[position]
    }
}
