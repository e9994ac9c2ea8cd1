import ArgumentParser
import Foundation

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

    /// Parses and runs a subcommand, like `ParsableCommand.main`, except that a `ValidationError`
    /// thrown by the subcommand's `run()` is shown with that subcommand's usage.
    ///
    /// (The stock `main` reports every error of `run()` as the root command's, because only parse-time
    /// errors carry the parsed command stack: a `ValidationError` from `m2grl evaluate` printed the
    /// `m2grl <subcommand>` usage.)
    public static func main(_ arguments: [String]? = nil) {
        var command: ParsableCommand
        do { command = try parseAsRoot(arguments) } catch { exit(withError: error) }
        do { try command.run() } catch {
            guard error is ValidationError else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error, in: type(of: command)) + "\n").utf8))
            Foundation.exit(exitCode(for: error).rawValue)
        }
    }

    /// The message for an error thrown by `subcommand`'s `run()`: for a `ValidationError`,
    /// the error, the subcommand's usage and where to find its help.
    public static func fullMessage(for error: Error, in subcommand: ParsableCommand.Type) -> String {
        guard error is ValidationError, ObjectIdentifier(subcommand) != ObjectIdentifier(Self.self) else { return fullMessage(for: error) }
        let names = "\(_commandName) \(subcommand._commandName)"
        return "Error: \(message(for: error))\nUsage: \(usageString(for: subcommand))\n  See '\(names) --help' for more information."
    }
}
