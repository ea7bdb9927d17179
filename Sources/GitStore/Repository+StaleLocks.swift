import Foundation

extension Repository {
    /// Removes `<ref>.lock` when it is older than `seconds`: a writer killed while it held the ref's
    /// lock (held for microseconds by a live writer) leaves it behind, and every later writer would
    /// then fail with GIT_ELOCKED. Returns whether a stale lock was removed.
    ///
    /// The lock is first renamed to a name of our own, so that of several writers that find the same
    /// stale lock exactly one removes it; if its age shows it was a live writer's lock taken in the
    /// meantime, it is linked back (which fails harmlessly if the name was taken again).
    @discardableResult
    public func breakStaleLock(of refName: String, olderThan seconds: Double) -> Bool {
        let lock = (path.hasSuffix("/") ? path : path + "/") + refName + ".lock"
        func age(_ file: String) -> Double? {
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date else { return nil }
            return Date().timeIntervalSince(modified)
        }
        guard let before = age(lock), before > seconds else { return false }
        let taken = lock + ".stale-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard rename(lock, taken) == 0 else { return false }
        if let after = age(taken), after <= seconds {
            _ = link(taken, lock)
            unlink(taken)
            return false
        }
        unlink(taken)
        return true
    }
}
