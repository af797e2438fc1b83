import PlotStore
import PoSpace
import Proving

/// A plot the farmer answers from: an open file and where it lives.
public struct FarmedPlot: Sendable {
    public let path: String
    public let file: PlotFile

    public var plotID: PlotID { file.plotID }
    public var k: Int { file.k }
    /// A prover over the file with chiapos's table-7 lookup, so answers equal `plotter prove`'s.
    var prover: Prover<PlotFile> { Prover(source: file) }
}
