#if canImport(Glibc)
import Glibc
#endif

/// Names the calling thread for the OS (`ps -L`, `top -H`, debuggers): Foundation's
/// `Thread.name` does not reach the kernel on Linux. Names are cut to the 15 bytes Linux keeps
/// (it refuses longer ones).
public func nameCurrentThread(_ name: String) {
    _ = setThreadName(pthread_self(), String(decoding: name.utf8.prefix(15), as: UTF8.self))
}

/// glibc's `pthread_setname_np`, which the Swift Glibc module does not declare (it needs
/// `_GNU_SOURCE`).
@_silgen_name("pthread_setname_np")
private func setThreadName(_ thread: pthread_t, _ name: UnsafePointer<CChar>) -> Int32
