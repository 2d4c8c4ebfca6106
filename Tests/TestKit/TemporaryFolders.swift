import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Temporary folders for tests that the test process removes, with everything in them, when it
/// exits: tests leave nothing in the system's temporary folder, whatever the order they run in
/// and whether they passed. (A test's folder outlives the test because child processes and
/// readers may still hold files in it until the test's last line.)
public enum TemporaryFolders {
    private static let made = Mutex<[URL]>([])
    private static let cleanupInstalled = Mutex<Bool>(false)

    /// A new empty folder `<temporary folder>/<prefix>-<UUID>`, removed at process exit.
    public static func make(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        register(url)
        return url
    }

    /// Removes `url` at process exit (for a folder made elsewhere).
    public static func register(_ url: URL) {
        made.withLock { $0.append(url) }
        cleanupInstalled.withLock { installed in
            guard !installed else { return }
            installed = true
            atexit { TemporaryFolders.removeAll() }
        }
    }

    /// Removes every registered folder now.
    public static func removeAll() {
        let folders = made.withLock { folders -> [URL] in
            defer { folders.removeAll() }
            return folders
        }
        for folder in folders { try? FileManager.default.removeItem(at: folder) }
    }
}
