/// Progress of a plot, for terminals and for `--json` event streams.
public enum PlotEvent: Sendable {
    /// A phase began (1 forward propagation, 2 backpropagation, 3 compression, 4 writing).
    case phaseStarted(phase: Int, name: String)
    /// Work inside a phase: `table` finished; `fraction` of the phase is done.
    case tableFinished(phase: Int, table: Int, entries: Int, fraction: Double)
    /// A phase ended after `seconds`.
    case phaseFinished(phase: Int, seconds: Double)
}
