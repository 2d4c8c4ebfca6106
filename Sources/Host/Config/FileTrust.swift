#if canImport(Glibc)
import Glibc
#endif

/// Whether the host may trust what a file says: the code of a plugin, the limits of a config.
/// Someone who can change the file, or replace it in its folder, could make the host run their
/// code or trade without limits, so a trusted file is owned by this process's user or by root,
/// writable by its owner alone, in a folder that only its owner or root can change (or that has
/// the sticky bit, like /tmp, where nobody can replace another user's file).
enum FileTrust {
    /// Why the file described by `info` at `path` is not trusted, nil when it is.
    static func problem(with info: stat, at path: String) -> String? {
        let user = geteuid()
        let mode = String(info.st_mode & 0o7777, radix: 8)
        if info.st_uid != user && info.st_uid != 0 {
            return "the file is owned by uid \(info.st_uid), neither this user (\(user)) nor root; chown it"
        }
        if info.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            return "the file is writable by group or others (mode \(mode)); run chmod go-w on it"
        }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0 else { return nil }
        let folderMode = String(folderInfo.st_mode & 0o7777, radix: 8)
        if folderInfo.st_uid != user && folderInfo.st_uid != 0 {
            return "its folder \(folder) is owned by uid \(folderInfo.st_uid), neither this user (\(user)) nor root, who could replace it"
        }
        if folderInfo.st_mode & (S_IWGRP | S_IWOTH) != 0 && folderInfo.st_mode & S_ISVTX == 0 {
            return "its folder \(folder) is writable by group or others (mode \(folderMode)), who could replace it; run chmod go-w on the folder"
        }
        return nil
    }
}
