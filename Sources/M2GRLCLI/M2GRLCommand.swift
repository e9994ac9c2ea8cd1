import ArgumentParser

/// The `m2grl` command: train multi-view item embeddings, export Faiss snapshots, serve and query them.
public struct M2GRLCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "m2grl",
        abstract: "Multi-view item embeddings (M2GRL): prepare, train, export, serve, query.",
        subcommands: [
            PrepareCommand.self,
            SynthCommand.self,
            IndexDemoCommand.self,
            ExportCommand.self, InspectCommand.self, NeighborsCommand.self,
            ServeCommand.self,
            QueryCommand.self,
            TrainCommand.self,
            EvaluateCommand.self,
            TrainDiversityCommand.self,
            BenchCommand.self,
        ]
    )

    public init() {}
}
