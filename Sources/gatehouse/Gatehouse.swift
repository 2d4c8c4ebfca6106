import ArgumentParser
import Host
import OfflineTools

/// The `gatehouse` command: a thin front over the Host module.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "A trading runtime: strategy plugins, ZeroMQ market data, one in-process risk chain.",
        subcommands: [RunCommand.self, DemoCommand.self, ReplayCommand.self, DecideCommand.self, PromoteCommand.self, StateCommand.self,
                      CtlCommand.self, KeygenCommand.self])
}
