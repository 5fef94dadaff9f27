import Glibc
import SystemCalls
import Testing

@Suite("Subprocess")
struct SubprocessTests {
  @Test("captures standard output, standard error and the exit code")
  func capturesOutput() throws {
    let result = try Subprocess.run(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"])
    #expect(result.status == 3)
    #expect(result.stdoutText == "out\n")
    #expect(result.stderrText == "err\n")
  }

  @Test("a child ended by a signal reports 128 + the signal")
  func signalStatus() throws {
    let result = try Subprocess.run(["/bin/sh", "-c", "kill -TERM $$"])
    #expect(result.status == 128 + SIGTERM)
  }

  @Test("the environment holds exactly what is given")
  func environmentIsExact() throws {
    #expect(getenv("PATH") != nil)  // this process has an environment to leak
    let given = try Subprocess.run(["/usr/bin/env"], environment: ["A": "b", "C": "d"])
    #expect(given.stdoutText == "A=b\nC=d\n")
    let none = try Subprocess.run(["/usr/bin/env"])
    #expect(none.stdout.isEmpty)
  }

  @Test("input reaches standard input; a bare name is found on PATH")
  func inputAndPathLookup() throws {
    let bytes = Array("line one\nline two\n".utf8) + [0, 255]
    let result = try Subprocess.run(["cat"], input: bytes)
    #expect(result.status == 0)
    #expect(result.stdout == bytes)
    let nothing = try Subprocess.run(["cat"])
    #expect(nothing.stdout.isEmpty)
  }

  @Test("a large output is captured whole")
  func largeOutput() throws {
    let result = try Subprocess.run(["/bin/sh", "-c", "head -c 5000000 /dev/zero"])
    #expect(result.stdout.count == 5_000_000)
  }

  @Test("a daemon left holding the child's output does not make the caller wait")
  func daemonDoesNotHang() throws {
    var before = timespec()
    clock_gettime(CLOCK_MONOTONIC, &before)
    let result = try Subprocess.run(["/bin/sh", "-c", "sleep 30 & echo $!"])
    var after = timespec()
    clock_gettime(CLOCK_MONOTONIC, &after)
    let pid = pid_t(result.stdoutText.trimmingSuffix()) ?? 0
    #expect(pid > 0)
    if pid > 0 { kill(pid, SIGKILL) }
    #expect(after.tv_sec - before.tv_sec < 5)
  }

  @Test("descriptors of the caller are not inherited")
  func descriptorsClosed() throws {
    let leaked = open("/dev/null", O_RDONLY)  // deliberately without O_CLOEXEC
    #expect(leaked > 2)
    defer { close(leaked) }
    let result = try Subprocess.run(["/bin/sh", "-c", "ls /proc/$$/fd"])
    let descriptors = result.stdoutText.split(separator: "\n").compactMap { Int32($0) }
    #expect(descriptors.contains(1))
    #expect(!descriptors.contains(leaked))
    #expect(descriptors.allSatisfy { $0 <= 2 || $0 >= 10 })  // dash keeps its own above 9
  }

  @Test("a child outliving its timeout is killed and reported")
  func timeout() throws {
    #expect {
      _ = try Subprocess.run(["/bin/sh", "-c", "echo started; exec sleep 10"], timeout: 0.3)
    } throws: { error in
      guard let error = error as? SubprocessError else { return false }
      return error.reason == .timedOut(seconds: 0.3)
        && error.partial?.stdoutText == "started\n"
        && error.partial?.status == 128 + SIGKILL
    }
  }

  @Test("a program that does not exist is an error naming the call")
  func missingProgram() throws {
    #expect {
      _ = try Subprocess.run(["/nonexistent/program"])
    } throws: { error in
      (error as? SubprocessError)?.reason == .spawn(call: "posix_spawn", code: ENOENT)
    }
  }
}

extension String {
  fileprivate func trimmingSuffix() -> String {
    var copy = self
    while copy.last?.isWhitespace == true { copy.removeLast() }
    return copy
  }
}
