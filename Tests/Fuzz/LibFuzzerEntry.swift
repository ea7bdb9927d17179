// The libFuzzer entry point (`make fuzz-libfuzzer`, scripts/libfuzzer.sh): compiled together with
// LedgerModel's sources and Sources/luoshi-fuzz/FuzzTargets.swift as one module, with
// -sanitize=fuzzer,address. A broken property traps, so libFuzzer saves the input as a crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func luoshiFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        _ = try FuzzTargets.run(bytes)
    } catch {
        fatalError("luoshi-fuzz property broken: \(error)")
    }
    return 0
}
