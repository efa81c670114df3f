/// The version printed by `trellis --version`.
enum TrellisVersion {
    static let current = "0.1.0"
}
