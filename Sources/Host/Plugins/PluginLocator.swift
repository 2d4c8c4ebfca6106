import Foundation

/// Turns a configured plugin name into the file to load.
///
/// - A name with a `/` is a path: absolute, or relative to the config file's folder.
/// - A bare file name is looked up in each plugin folder in order (`host.plugin_dirs`, relative
///   ones against the config folder; by default the folder of the running binary, where
///   `swift build` puts the example plugins).
package struct PluginLocator {
    let configFolder: String
    let pluginDirs: [String]

    /// The candidate paths for `name`, most preferred first.
    func candidates(for name: String) -> [String] {
        if name.contains("/") {
            return [absolute(name)]
        }
        let folders = pluginDirs.isEmpty ? [Self.executableFolder] : pluginDirs.map(absolute)
        return folders.map { URL(fileURLWithPath: $0).appendingPathComponent(name).path }
    }

    /// The first candidate that exists, or `nil` with the list tried.
    func resolve(_ name: String) -> (found: String?, tried: [String]) {
        let tried = candidates(for: name)
        return (tried.first(where: { FileManager.default.fileExists(atPath: $0) }), tried)
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: configFolder).appendingPathComponent(path).standardizedFileURL.path
    }

    /// The folder holding the running executable (`/proc/self/exe`).
    package static var executableFolder: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }
}
