import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A git server on loopback serving one bare ledger, started by the test and stopped when the value
/// goes away: `luoshi serve`'s `/git/`, nginx with fcgiwrap and stock `git http-backend`, or `git
/// daemon` with pushes enabled. Each is started detached through the shell, its output to files and
/// no other descriptor of the test's held open by it.
final class GitServer {
    enum Kind: String, CaseIterable, CustomStringConvertible, Sendable {
        case luoshi, nginx, daemon
        var description: String { rawValue }
    }

    let kind: Kind
    let url: String
    let port: Int
    let folder: TemporaryFolder
    private var pids: [Int32] = []

    /// The log files the servers wrote, for a failure message.
    var logs: String {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.url.path)) ?? []).filter { $0.hasSuffix(".log") }.map {
            "== \($0)\n" + ((try? String(contentsOfFile: folder.path($0), encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
    }

    init(_ kind: Kind, ledger: String, options: [String] = []) throws {
        self.kind = kind
        folder = try TemporaryFolder()
        port = try GitServer.freePort()
        let repository = URL(fileURLWithPath: ledger).standardizedFileURL
        let root = repository.deletingLastPathComponent().path, name = repository.lastPathComponent
        switch kind {
        case .luoshi:
            url = "http://127.0.0.1:\(port)/git/"
            pids.append(try GitServer.detach([luoshiBinary, "serve", "--ledger", ledger, "--listen", "127.0.0.1:\(port)"] + options,
                                             log: folder.path("serve.log")))
        case .nginx:
            url = "http://127.0.0.1:\(port)/git/"
            let socket = folder.path("fcgiwrap.sock")
            pids.append(try GitServer.detach(["/usr/sbin/fcgiwrap", "-c", "2", "-s", "unix:\(socket)"], log: folder.path("fcgiwrap.log")))
            let backend = try run("git", ["--exec-path"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/git-http-backend"
            let dir = folder.url.path
            for sub in ["body", "fastcgi", "proxy", "uwsgi", "scgi"] { try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true) }
            let config = """
                \(getuid() == 0 ? "user root root;" : "")
                daemon off;
                worker_processes 1;
                pid \(dir)/nginx.pid;
                error_log \(dir)/nginx-error.log info;
                events { worker_connections 64; }
                http {
                    access_log \(dir)/nginx-access.log;
                    client_body_temp_path \(dir)/body;
                    fastcgi_temp_path \(dir)/fastcgi;
                    proxy_temp_path \(dir)/proxy;
                    uwsgi_temp_path \(dir)/uwsgi;
                    scgi_temp_path \(dir)/scgi;
                    client_max_body_size 0;
                    server {
                        listen 127.0.0.1:\(port);
                        location ~ ^/git(/.*)$ {
                            fastcgi_pass unix:\(socket);
                            fastcgi_request_buffering off;
                            fastcgi_buffering off;
                            fastcgi_param SCRIPT_FILENAME \(backend);
                            fastcgi_param GIT_PROJECT_ROOT \(root);
                            fastcgi_param PATH_INFO /\(name)$1;
                            fastcgi_param GIT_HTTP_EXPORT_ALL "";
                            fastcgi_param REMOTE_USER anonymous;
                            fastcgi_param REMOTE_ADDR $remote_addr;
                            fastcgi_param REQUEST_METHOD $request_method;
                            fastcgi_param QUERY_STRING $query_string;
                            fastcgi_param CONTENT_TYPE $content_type;
                            fastcgi_param CONTENT_LENGTH $content_length;
                            fastcgi_param HTTP_CONTENT_ENCODING $http_content_encoding;
                            fastcgi_param HTTP_GIT_PROTOCOL $http_git_protocol;
                            fastcgi_param PATH /usr/local/bin:/usr/bin:/bin;
                        }
                    }
                }
                """
            try config.write(toFile: folder.path("nginx.conf"), atomically: true, encoding: .utf8)
            pids.append(try GitServer.detach(["/usr/sbin/nginx", "-p", dir, "-c", folder.path("nginx.conf")], log: folder.path("nginx.log")))
        case .daemon:
            url = "git://127.0.0.1:\(port)/\(name)"
            pids.append(try GitServer.detach(["git", "daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(root)",
                                              "--export-all", "--enable=receive-pack", "--informative-errors", root],
                                             log: folder.path("daemon.log")))
        }
        try GitServer.waitForListener(port: port, what: "\(kind) on port \(port)", logs: { self.logs })
    }

    /// Stops the servers: SIGTERM, then SIGKILL for any still there after two seconds.
    func stop() {
        // With their children: fcgiwrap's and nginx's workers, which outlive a parent killed alone.
        let all = pids + pids.flatMap(GitServer.children(of:))
        for pid in all { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, all.contains(where: { kill($0, 0) == 0 }) { usleep(20_000) }
        for pid in all where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        pids = []
    }


    /// Kills the process in front, `luoshi serve` or nginx (its master and worker), as a crash would,
    /// and leaves what it started (fcgiwrap, git http-backend and its receive-pack) to end as they will.
    func crashFrontEnd() {
        guard let front = pids.popLast() else { return }
        // nginx's master first, so that it cannot start a worker in place of one killed.
        let workers = kind == .nginx ? GitServer.children(of: front) : []
        kill(front, SIGKILL)
        for worker in workers { kill(worker, SIGKILL) }
    }

    /// The processes whose parent is `pid`.
    static func children(of pid: Int32) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init).filter { child in
            // /proc/PID/stat: "pid (name) state ppid ..."; the name may hold spaces, so read after its ")".
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    deinit { stop() }

    /// Starts `command` in the background, detached from the test's pipes; its process id.
    static func detach(_ command: [String], log: String) throws -> Int32 {
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // The server gets none of this process's descriptors beyond the three: Foundation learns that a
        // child ended when a socket it inherits closes, and a server holding it would never let go.
        let closeInherited = #"for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done"#
        let r = try run("bash", ["-c", "( \(closeInherited); exec \(quoted) ) </dev/null >'\(log)' 2>&1 & echo $!"])
        guard r.status == 0, let pid = Int32(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LoadError(message: "cannot start \(command[0]): \(r.stderr)")
        }
        return pid
    }

    /// A TCP port nothing listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw LoadError(message: "no free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts connections on `port` (at most 30 s).
    static func waitForListener(port: Int, what: String, logs: () -> String) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if accepts(port: port) { return }
            usleep(50_000)
        }
        throw LoadError(message: "\(what) did not start listening:\n\(logs())")
    }

    /// Whether something accepts a connection on `port` now.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
