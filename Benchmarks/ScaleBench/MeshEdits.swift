import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The generated mesh's layout, as `Scripts/scale_mesh.py` writes it: service i is `svc-i` in
/// `ns-(i % 10)`, in the file `ns-(i % 10)/svc-i.yaml`; by `(i / 10) % 10` it is Dubbo (0, port
/// 20880, subsets and a 90/10 VirtualService), Thrift (1, port 9090, the same) or plain TCP (port 9000).
struct MeshLayout: Sendable {
    enum Kind: Sendable { case dubbo, thrift, tcp }

    let directory: String
    let services: Int

    func kind(_ i: Int) -> Kind {
        switch (i / 10) % 10 {
        case 0: .dubbo
        case 1: .thrift
        default: .tcp
        }
    }

    func host(_ i: Int) -> String { "svc-\(i).ns-\(i % 10).svc.cluster.local" }

    func file(_ i: Int) -> String { "\(directory)/ns-\(i % 10)/svc-\(i).yaml" }

    /// Plain TCP services, the targets of endpoint edits.
    var tcpServices: [Int] { (0..<services).filter { kind($0) == .tcp } }

    /// Dubbo and Thrift services interleaved (Dubbo first), the targets of VirtualService edits.
    var routedServices: [Int] {
        let dubbo = (0..<services).filter { kind($0) == .dubbo }
        let thrift = (0..<services).filter { kind($0) == .thrift }
        var out: [Int] = []
        for k in 0..<max(dubbo.count, thrift.count) {
            if k < dubbo.count { out.append(dubbo[k]) }
            if k < thrift.count { out.append(thrift[k]) }
        }
        return out
    }
}

/// An edit the benchmark made: what changed, and when the new file appeared (just before the rename).
struct MeshEdit: Sendable {
    var service: Int
    var description: String
    var writtenAt: ContinuousClock.Instant
}

enum MeshEditError: Error, CustomStringConvertible {
    case notFound(String)
    case io(String)

    var description: String {
        switch self {
        case .notFound(let what): "edit target not found: \(what)"
        case .io(let what): "cannot rewrite \(what)"
        }
    }
}

/// Edits service files of the generated mesh, each rewritten atomically (a temporary file next to
/// the config directory, then `rename`), so the server's watcher never sees a half-written file.
struct MeshEditor: Sendable {
    let layout: MeshLayout

    /// Changes the first endpoint address of service `i` to a fresh address (10.150.x.y by `sequence`).
    func editEndpoint(service i: Int, sequence: Int) throws -> MeshEdit {
        let address = "10.150.\((sequence / 250) % 250).\(sequence % 250 + 1)"
        var change = ""
        let at = try rewrite(layout.file(i)) { lines in
            guard let k = lines.firstIndex(where: { $0.hasPrefix("  - {address: ") }),
                  let comma = lines[k].firstIndex(of: ",") else { throw MeshEditError.notFound("endpoint of svc-\(i)") }
            let prefix = "  - {address: "
            let old = lines[k][lines[k].index(lines[k].startIndex, offsetBy: prefix.count)..<comma]
            change = "svc-\(i) endpoint \(old) -> \(address)"
            lines[k] = prefix + address + lines[k][comma...]
        }
        return MeshEdit(service: i, description: change, writtenAt: at)
    }

    /// Changes the two route weights of service `i`'s VirtualService (lines ending in `weight: W}`).
    func editWeights(service i: Int, sequence: Int) throws -> MeshEdit {
        var change = ""
        let at = try rewrite(layout.file(i)) { lines in
            let marker = "weight: "
            let indices = lines.indices.filter { lines[$0].hasSuffix("}") && lines[$0].contains(marker) }
            guard indices.count == 2 else { throw MeshEditError.notFound("two weights in svc-\(i)") }
            func weight(_ line: String) -> Int? {
                guard let r = line.range(of: marker, options: .backwards) else { return nil }
                return Int(line[r.upperBound...].dropLast())
            }
            guard let current = weight(lines[indices[0]]) else { throw MeshEditError.notFound("weight in svc-\(i)") }
            var first = 50 + (sequence * 7) % 45
            if first == current { first += 1 }
            for (k, w) in zip(indices, [first, 100 - first]) {
                let r = lines[k].range(of: marker, options: .backwards)!
                lines[k] = String(lines[k][..<r.upperBound]) + "\(w)}"
            }
            change = "svc-\(i) weights \(current)/\(100 - current) -> \(first)/\(100 - first)"
        }
        return MeshEdit(service: i, description: change, writtenAt: at)
    }

    /// Rewrites `path` through `transform` and returns the instant just before the rename.
    private func rewrite(_ path: String, _ transform: (inout [String]) throws -> Void) throws -> ContinuousClock.Instant {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw MeshEditError.io(path) }
        var lines = text.components(separatedBy: "\n")
        try transform(&lines)
        let parent = (layout.directory as NSString).deletingLastPathComponent
        let temporary = "\(parent)/.scale-bench-edit.tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(lines.joined(separator: "\n").utf8)) else {
            throw MeshEditError.io(temporary)
        }
        let at = ContinuousClock.now
        guard rename(temporary, path) == 0 else { throw MeshEditError.io(path) }
        return at
    }
}
