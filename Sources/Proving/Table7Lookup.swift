/// Which table-7 entries a challenge reaches.
///
/// chiapos finds table-7 entries through checkpoints every 10,000 entries and, as written, its
/// lookup skips some valid entries: the entry at a checkpoint itself, everything before it in
/// the same run, and any run not followed inside its checkpoint interval by a larger f7 (the
/// scan only trusts a run once it has seen the next value). `.chiapos` reproduces exactly the
/// entries chiapos 2.0.12 returns — the reference's proof sets, which tests compare against.
/// `.every` returns every entry: about one proof in 5,000 more, each one valid.
public enum Table7Lookup: Sendable {
    case chiapos
    case every

    static let checkpointInterval = 10_000

    /// The part of `run` this rule reaches, in a plot of size `k`.
    func reached(_ run: Table7Run, k: Int) -> ArraySlice<UInt64> {
        guard case .chiapos = self, !run.positions.isEmpty else { return run.positions[...] }
        let interval = Self.checkpointInterval
        let last = run.start + run.positions.count - 1
        let checkpoint = last / interval * interval
        guard let next = run.nextF7, last + 1 < checkpoint + interval - 1, next < (UInt64(1) << UInt64(k)) - 1 else {
            return []
        }
        let first = max(run.start, checkpoint + 1)
        return first <= last ? run.positions[(first - run.start)...] : []
    }
}
