// `stdout` is a C global; reading it is safe here, where the one thread that writes output runs.
@preconcurrency import Glibc
import Ledger

/// Writes bytes to standard output as they are, without copying them first: to the C stream
/// `print` writes to as well, so output keeps its order and a failed write is seen at the end.
func writeStandardOutput(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        _ = fwrite(base, 1, buffer.count, stdout)
    }
}

/// Flushes standard output: output that could not be written (a full disk, `> /dev/full`) is an
/// error, never a silent success.
func finishStandardOutput() throws {
    let flushed = fflush(stdout) == 0
    let reason = String(cString: strerror(errno))
    guard !flushed || ferror(stdout) != 0 else { return }
    clearerr(stdout)
    throw LedgerError.internalFailure("cannot write to standard output (\(flushed ? "a write failed" : reason)); the output is incomplete")
}
