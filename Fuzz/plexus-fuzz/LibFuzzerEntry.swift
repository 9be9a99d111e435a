#if canImport(Glibc)
import Glibc
#endif
import PlexusFuzzChecks

/// libFuzzer's entry point: built only by `scripts/fuzz` (`--sanitize=fuzzer`, whose runtime brings `main`).
/// `PLEXUS_FUZZ_TARGET` picks the check; a finding crashes, so that libFuzzer keeps the input that broke it.
private let target: FuzzTarget = {
    let name = getenv("PLEXUS_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("PLEXUS_FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let finding = target.check(input) { fatalError("finding in \(target.rawValue): \(finding)") }
    return 0
}
