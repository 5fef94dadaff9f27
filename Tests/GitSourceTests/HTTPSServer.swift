import Glibc
import SystemCalls
import TestSupport

/// `git http-backend` behind a small TLS server (python3's `http.server` and `ssl`) on
/// loopback, with a certificate authority and a server certificate made with openssl in the
/// test's scratch directory. Stopped when the value goes away.
final class HTTPSServer {
  let port: Int
  /// The PEM file of the authority that signed the server's certificate.
  let authority: String
  private let pid: pid_t

  /// Serves the repositories under `root` as `https://localhost:PORT/NAME`, with a
  /// certificate for `certificateName` (a DNS name).
  init(root: String, scratch: ScratchDirectory, certificateName: String = "localhost") throws {
    let directory = try scratch.sub("https")
    authority = directory + "/ca.pem"
    try sh(
      """
      cd '\(directory)' && exec 2>openssl.log
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj '/CN=reconcile test CA' -keyout ca.key -out ca.pem
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -subj '/CN=\(certificateName)' -keyout server.key -out server.csr
      printf 'subjectAltName=DNS:\(certificateName)\\n' > san.ext
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile san.ext -out server.pem
      """)
    try scratch.write("https/server.py", Self.script)
    try sh(
      "cd '\(directory)' && python3 server.py '\(root)' >server.log 2>&1 </dev/null &")
    var found: (pid: pid_t, port: Int)?
    for _ in 0..<200 {
      if let text = try? sh("cat '\(directory)/ready' 2>/dev/null") {
        let fields = text.split(separator: " ").compactMap { Int(String($0).trimmingCharacters()) }
        if fields.count == 2 {
          found = (pid_t(fields[0]), fields[1])
          break
        }
      }
      usleep(25_000)
    }
    guard let found else {
      throw CommandFailed(
        command: ["python3", "server.py"],
        result: SubprocessResult(
          status: 1, stdout: [],
          stderr: Array(((try? scratch.read("https/server.log")) ?? "").utf8)))
    }
    pid = found.pid
    port = found.port
  }

  /// `https://localhost:PORT/name`.
  func url(_ name: String) -> String { "https://localhost:\(port)/\(name)" }

  deinit {
    guard pid > 0, kill(pid, SIGTERM) == 0 else { return }
    for _ in 0..<100 where kill(pid, 0) == 0 { usleep(20_000) }
  }

  /// The server: one `git http-backend` CGI run per request, over TLS on 127.0.0.1, port
  /// chosen by the kernel; writes `PID PORT` to `ready` once listening.
  static let script = #"""
    import http.server, os, ssl, subprocess, sys

    ROOT = sys.argv[1]

    class Handler(http.server.BaseHTTPRequestHandler):
        def backend(self):
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            env = {
                "PATH": "/usr/bin:/bin", "GIT_PROJECT_ROOT": ROOT, "GIT_HTTP_EXPORT_ALL": "1",
                "REQUEST_METHOD": self.command, "PATH_INFO": path, "QUERY_STRING": query,
                "CONTENT_TYPE": self.headers.get("Content-Type") or "",
                "CONTENT_LENGTH": str(length), "REMOTE_ADDR": "127.0.0.1",
                "GIT_PROTOCOL": self.headers.get("Git-Protocol") or "",
                "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding") or "",
            }
            out = subprocess.run(["git", "http-backend"], input=body, env=env,
                                 capture_output=True).stdout
            head, _, payload = out.partition(b"\r\n\r\n")
            status, headers = 200, []
            for line in head.decode().split("\r\n"):
                name, _, value = line.partition(": ")
                if name.lower() == "status":
                    status = int(value.split()[0])
                elif name:
                    headers.append((name, value))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = backend
        do_POST = backend

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain("server.pem", "server.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open("ready.tmp", "w") as ready:
        ready.write(f"{os.getpid()} {server.server_address[1]}")
    os.rename("ready.tmp", "ready")
    server.serve_forever()
    """#
}
