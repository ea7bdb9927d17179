import Foundation

// MARK: Crash and hang capture
//
// The input being tried lives in a fixed buffer, so that a signal handler can write it out with
// async-signal-safe calls only, and a watchdog thread can write it out when the loop stalls.

let currentCapacity = Mutator.maxSize
nonisolated(unsafe) let currentInput = UnsafeMutablePointer<UInt8>.allocate(capacity: Mutator.maxSize)
nonisolated(unsafe) var currentLength = 0
nonisolated(unsafe) var progressCounter = 0
/// Off once the inputs are done: writing and validating the sample is slow and is no hang.
nonisolated(unsafe) var watching = true
nonisolated(unsafe) var crashPath: UnsafeMutablePointer<CChar>? = nil
nonisolated(unsafe) var hangPath: UnsafeMutablePointer<CChar>? = nil
let crashMessage: [UInt8] = Array("luoshi-fuzz: CRASH: the input is saved in the crash artifact (see --artifacts)\n".utf8)

func setCurrent(_ bytes: [UInt8]) {
    let n = min(bytes.count, currentCapacity)
    bytes.withUnsafeBufferPointer { b in if let base = b.baseAddress { currentInput.update(from: base, count: n) } }
    currentLength = n
    progressCounter &+= 1
}

func dumpCurrent(to path: UnsafeMutablePointer<CChar>?) {
    guard let path else { return }
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd >= 0 {
        _ = write(fd, currentInput, currentLength)
        close(fd)
    }
}

func installCrashHandlers() {
    for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
        signal(sig) { _ in
            // Only async-signal-safe calls here: open, write, close, _exit.
            dumpCurrent(to: crashPath)
            _ = crashMessage.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
            _exit(2)
        }
    }
}

func startWatchdog(seconds: Double) {
    let thread = Thread {
        var last = -1
        var stalled = 0.0
        while true {
            Thread.sleep(forTimeInterval: 0.5)
            let now = progressCounter
            if now == last && watching { stalled += 0.5 } else { stalled = 0; last = now }
            if stalled >= seconds {
                dumpCurrent(to: hangPath)
                FileHandle.standardError.write(Data("luoshi-fuzz: HANG: one input ran for more than \(seconds) s; it is in the hang artifact\n".utf8))
                _exit(3)
            }
        }
    }
    thread.start()
}
