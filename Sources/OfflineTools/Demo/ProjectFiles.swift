import Host
import Foundation

/// Finds the project's bundled files (default config, sample data) whether the binary is run from
/// the repository root or from anywhere else: first relative to the working directory, then in
/// each folder above the running binary (`.build/debug/gatehouse` sits two levels below the root).
public enum ProjectFiles {
    /// The first existing location of `relativePath`, or `relativePath` itself if none exists
    /// (so the error message names what was looked for).
    public static func locate(_ relativePath: String) -> String {
        let manager = FileManager.default
        if manager.fileExists(atPath: relativePath) { return relativePath }
        var folder = URL(fileURLWithPath: PluginLocator.executableFolder)
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent(relativePath).path
            if manager.fileExists(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return relativePath
    }
}
