// aeraki-fuzz: Aeraki's fuzz targets (see FuzzHarnesses) in one executable.
//
//   aeraki-fuzz TARGET FILE...          replays inputs (corpus files, crash reproducers) through TARGET
//   aeraki-fuzz seeds DIR               writes the seed corpora to DIR/<target>/
//   aeraki-fuzz TARGET [libFuzzer flags] [CORPUS_DIR...]
//                                       fuzzes, when built with -DFUZZING -sanitize=fuzzer (Scripts/fuzz.sh)
//
// TARGET is one of: sotw, delta, mcp, mesh, static.
import FuzzHarnesses
import Foundation

#if FUZZING
/// The target the libFuzzer callback runs, chosen once from the command line before fuzzing starts.
nonisolated(unsafe) private var fuzzedTarget = FuzzTarget.sotw

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzedTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif

@main
struct AerakiFuzz {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else { usage() }
        if arguments[1] == "seeds", arguments.count == 3 {
            try writeSeeds(to: URL(fileURLWithPath: arguments[2]))
            return
        }
        guard let target = FuzzTarget(rawValue: arguments[1]) else { usage() }
        #if FUZZING
        fuzzedTarget = target
        // libFuzzer sees the program name and the flags after TARGET.
        let driverArguments = [arguments[0]] + arguments.dropFirst(2)
        var cStrings: [UnsafeMutablePointer<CChar>?] = driverArguments.map { strdup($0) } + [nil]  // live until exit
        var argc = CInt(driverArguments.count)
        let status = cStrings.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress!
            return LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
        }
        exit(status)
        #else
        for path in arguments.dropFirst(2) {
            for file in files(at: path) {
                target.run(Array(try Data(contentsOf: file)))
            }
        }
        #endif
    }

    /// `path` itself, or the regular files directly in it when it is a directory.
    static func files(at path: String) -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [URL(fileURLWithPath: path)]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { URL(fileURLWithPath: path).appendingPathComponent($0) }
    }

    static func writeSeeds(to directory: URL) throws {
        for target in FuzzTarget.allCases {
            let folder = directory.appendingPathComponent(target.rawValue)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, bytes) in try FuzzSeeds.seeds(for: target) {
                try Data(bytes).write(to: folder.appendingPathComponent("seed-" + name))
            }
        }
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("usage: aeraki-fuzz TARGET FILE... | aeraki-fuzz seeds DIR (TARGET: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))\n".utf8))
        exit(2)
    }
}
