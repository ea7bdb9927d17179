// luoshi-fuzz: a seeded, deterministic fuzzer of the event parser, the record readers and the JSON
// parser and canonical encoder. It mutates a seed corpus for a bounded time and checks the
// properties in FuzzTargets.swift on every input; a crash, a hang or a broken property saves the
// input under --artifacts and makes the exit status 1 (2 for a crash, 3 for a hang).
//
//   luoshi-fuzz [--seconds N] [--iterations N] [--seed N] [--corpus DIR]... [--sample DIR]
//               [--validate scripts/validate.py] [--artifacts DIR] [--hang-seconds N]
//   luoshi-fuzz --replay FILE...
import Foundation
import LedgerModel

struct Options {
    var seconds = 60.0
    var iterations = Int.max
    var seed: UInt64 = 1
    var corpus: [String] = []
    var sample: String?
    var validate: String?
    var artifacts = ".fuzz-artifacts"
    var hangSeconds = 10.0
    var replay: [String] = []
    var samplesPerKind = 100

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { usage("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--seconds": o.seconds = Double(value()) ?? { usage("--seconds takes a number") }()
            case "--iterations": o.iterations = Int(value()) ?? { usage("--iterations takes a whole number") }()
            case "--seed": o.seed = UInt64(value()) ?? { usage("--seed takes a whole number") }()
            case "--corpus": o.corpus.append(value())
            case "--sample": o.sample = value()
            case "--validate": o.validate = value()
            case "--artifacts": o.artifacts = value()
            case "--hang-seconds": o.hangSeconds = Double(value()) ?? { usage("--hang-seconds takes a number") }()
            case "--samples-per-kind": o.samplesPerKind = Int(value()) ?? { usage("--samples-per-kind takes a whole number") }()
            case "--replay":
                o.replay = Array(args[(i + 1)...])
                i = args.count
            case "-h", "--help": usage(nil)
            default: usage("unknown option \(args[i])")
            }
            i += 1
        }
        return o
    }
}

func usage(_ problem: String?) -> Never {
    let text = """
        usage: luoshi-fuzz [--seconds N] [--iterations N] [--seed N] [--corpus DIR]... [--sample DIR]
                           [--validate scripts/validate.py] [--artifacts DIR] [--hang-seconds N]
               luoshi-fuzz --replay FILE...
        Defaults: 60 seconds, seed 1, corpus Tests/Fuzz/corpus and Tests/LedgerModelTests/Fixtures
        and scenarios/, artifacts in .fuzz-artifacts.
        """
    if let problem {
        FileHandle.standardError.write(Data("luoshi-fuzz: \(problem)\n\(text)\n".utf8))
        exit(64)
    }
    print(text)
    exit(0)
}

// MARK: Corpus

func loadCorpus(_ roots: [String], mutator: inout Mutator) -> [[UInt8]] {
    var seeds: [[UInt8]] = []
    let fm = FileManager.default
    for root in roots {
        guard let walker = fm.enumerator(atPath: root) else { continue }
        let files = walker.compactMap { $0 as? String }.sorted()
        for file in files {
            let path = (root as NSString).appendingPathComponent(file)
            guard let data = fm.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            if file.hasSuffix(".jsonl") || file.hasSuffix(".txt") {
                for line in bytes.split(separator: 0x0A) where !line.isEmpty && line.first != UInt8(ascii: "#") {
                    seeds.append(fillKeys(Array(line)))
                }
            } else if file.hasSuffix(".json") {
                // A test fixture ({"schema", "value", ...}) seeds its value; any other file seeds itself.
                if let v = try? JSONParser.parse(bytes), let value = v["value"], v["schema"] != nil {
                    seeds.append(CanonicalJSON.encode(value))
                    seeds.append(Array(CanonicalJSON.compact(value).utf8))
                } else {
                    seeds.append(bytes)
                }
            } else if file.hasSuffix(".bin") {
                seeds.append(bytes)
            }
        }
    }
    for s in seeds { if let v = try? JSONParser.parse(s) { mutator.learn(v) } }
    return seeds
}

/// Scenario lines hold `${KEY:actor}` placeholders; a real key makes them valid events.
func fillKeys(_ line: [UInt8]) -> [UInt8] {
    let text = String(decoding: line, as: UTF8.self)
    guard text.contains("${KEY:") else { return line }
    let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILv3ozlrIDfq6RZaK2kifh31abgwvADlvCH5QlO/GZUa"
    return Array(text.replacingOccurrences(of: #"\$\{KEY:[^}]*\}"#, with: key, options: .regularExpression).utf8)
}

// MARK: Sampling for the independent schema check

/// Reservoir samples of accepted inputs, so that the sample spreads over the whole run.
struct Sampler {
    var perKind: Int
    var rng: SeededGenerator
    var seen: [String: Int] = [:]
    var kept: [String: [[UInt8]]] = [:]

    mutating func offer(_ kind: String, _ bytes: [UInt8]) {
        seen[kind, default: 0] += 1
        let n = seen[kind]!
        if kept[kind, default: []].count < perKind {
            kept[kind, default: []].append(bytes)
        } else {
            let j = rng.below(n)
            if j < perKind { kept[kind]![j] = bytes }
        }
    }

    /// Writes `records/<schema>/<n>.json` and `events.jsonl`; returns the number of files.
    func write(to dir: String) throws -> Int {
        let fm = FileManager.default
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var count = 0
        for (kind, items) in kept.sorted(by: { $0.key < $1.key }) {
            if kind == "event" {
                let text = items.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") + "\n"
                try text.write(toFile: dir + "/events.jsonl", atomically: true, encoding: .utf8)
                count += items.count
                continue
            }
            let folder = dir + "/records/" + kind
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (n, item) in items.enumerated() {
                _ = fm.createFile(atPath: folder + "/\(n).json", contents: Data(item))
                count += 1
            }
        }
        return count
    }
}

/// Runs `validate.py` on the sample: every record and event Luoshi accepted must satisfy schemas/.
func validateSample(_ dir: String, script: String) -> (ok: Bool, report: String) {
    var ok = true, report = ""
    let fm = FileManager.default
    var jobs: [[String]] = []
    if let kinds = try? fm.contentsOfDirectory(atPath: dir + "/records") {
        for kind in kinds.sorted() {
            let files = ((try? fm.contentsOfDirectory(atPath: dir + "/records/" + kind)) ?? []).sorted().map { dir + "/records/\(kind)/" + $0 }
            if !files.isEmpty { jobs.append(["record", kind] + files) }
        }
    }
    if fm.fileExists(atPath: dir + "/events.jsonl") { jobs.append(["event", dir + "/events.jsonl"]) }
    for job in jobs {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script] + job
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        do { try p.run() } catch { return (false, "could not run python3 \(script): \(error)") }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let summary = text.split(separator: "\n").last.map(String.init) ?? ""
        report += "  \(job[0] == "record" ? job[1] : "events"): \(summary)\n"
        if p.terminationStatus != 0 {
            ok = false
            report += text.split(separator: "\n").prefix(20).map { "    " + $0 }.joined(separator: "\n") + "\n"
        }
    }
    return (ok, report)
}

// MARK: Main

func saveArtifact(_ bytes: [UInt8], name: String, dir: String) -> String {
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
try? FileManager.default.createDirectory(atPath: options.artifacts, withIntermediateDirectories: true)
crashPath = strdup(options.artifacts + "/crash-seed\(options.seed).bin")
hangPath = strdup(options.artifacts + "/hang-seed\(options.seed).bin")
installCrashHandlers()
startWatchdog(seconds: options.hangSeconds)

if !options.replay.isEmpty {
    var failed = false
    for file in options.replay {
        guard let data = FileManager.default.contents(atPath: file) else { usage("cannot read \(file)") }
        setCurrent([UInt8](data))
        do {
            let o = try FuzzTargets.run([UInt8](data))
            print("\(file): ok (json \(o.json), events \(o.events), records \(o.records.map(\.schema)), path \(o.path))")
        } catch {
            print("\(file): FAILED \(error)")
            failed = true
        }
    }
    exit(failed ? 1 : 0)
}

var mutator = Mutator()
var roots = options.corpus
if roots.isEmpty {
    roots = ["Tests/Fuzz/corpus", "Tests/LedgerModelTests/Fixtures", "scenarios"].filter { FileManager.default.fileExists(atPath: $0) }
}
var pool = loadCorpus(roots, mutator: &mutator)
guard !pool.isEmpty else { usage("no seeds in \(roots.joined(separator: ", ")): run from the repository root or pass --corpus") }
let seedCount = pool.count
var known = Set(pool)
var rng = SeededGenerator(seed: options.seed)
var sampler = Sampler(perKind: options.samplesPerKind, rng: SeededGenerator(seed: options.seed ^ 0x5EED))
var failures: [String] = []
var accepted: [String: Int] = [:]
var tried = 0
let started = Date()
let deadline = started.addingTimeInterval(options.seconds)

@MainActor func attempt(_ input: [UInt8]) {
    setCurrent(input)
    tried += 1
    do {
        let o = try FuzzTargets.run(input)
        if o.json { accepted["json", default: 0] += 1 }
        if o.path { accepted["path", default: 0] += 1 }
        let novel = !known.contains(input)
        if o.events > 0 {
            accepted["events", default: 0] += 1
            if novel, o.events == 1, !input.contains(0x0A) { sampler.offer("event", input) }
        }
        for r in o.records {
            accepted["record " + r.schema, default: 0] += 1
            if novel {
                sampler.offer(r.schema, r.input)
                sampler.offer(r.schema, r.output)
            }
        }
        // Keep new accepted inputs as seeds: valid inputs mutate into nearly valid ones, which
        // reach deeper into the readers than random bytes do.
        if novel, o.events > 0 || !o.records.isEmpty, pool.count < 20_000 {
            pool.append(input)
            known.insert(input)
        }
    } catch {
        let name = "failure-seed\(options.seed)-\(failures.count).bin"
        let path = saveArtifact(input, name: name, dir: options.artifacts)
        failures.append("\(error) [input: \(path)]")
        FileHandle.standardError.write(Data("luoshi-fuzz: FAILED \(error)\n  input saved to \(path); replay with luoshi-fuzz --replay \(path)\n".utf8))
    }
}

// Every seed as it is, then mutations until the time or the iteration budget runs out.
for s in pool { attempt(s) }
while tried < options.iterations, failures.count < 20 {
    if tried % 128 == 0, Date() >= deadline { break }
    let input = pool[rng.below(pool.count)]
    let other = pool[rng.below(pool.count)]
    // Should the mutator itself crash, the artifact is the input it was mutating.
    setCurrent(input)
    attempt(mutator.mutate(input, other: other, rng: &rng))
}
let elapsed = Date().timeIntervalSince(started)
watching = false

var sampleLine = ""
var sampleOK = true
if let dir = options.sample {
    do {
        let n = try sampler.write(to: dir)
        sampleLine = "sampled \(n) accepted records and events to \(dir)"
        if let script = options.validate {
            let (ok, report) = validateSample(dir, script: script)
            sampleOK = ok
            sampleLine += ok ? "; validate.py accepts every one\n" + report : "; validate.py REFUSES some:\n" + report
        }
    } catch {
        sampleOK = false
        sampleLine = "could not write the sample to \(dir): \(error)"
    }
}

let counts = accepted.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
print("luoshi-fuzz: \(tried) inputs in \(String(format: "%.1f", elapsed)) s (seed \(options.seed), \(seedCount) seeds, pool \(pool.count)), \(failures.count) failures")
print("accepted: \(counts)")
if !sampleLine.isEmpty { print(sampleLine, terminator: sampleLine.hasSuffix("\n") ? "" : "\n") }
for f in failures { print("FAILED \(f)") }
if failures.isEmpty && sampleOK {
    print("luoshi-fuzz: ok, no crash, hang or accepted-but-invalid input")
    exit(0)
}
exit(1)
