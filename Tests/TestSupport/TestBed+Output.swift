extension TestBed {
  /// What a command run through the test bed left behind: exit status and output.
  public struct Output: Sendable, Equatable, CustomStringConvertible {
    /// The exit status; 128 + N when signal N killed it.
    public var status: Int32
    /// Standard output, decoded as UTF-8.
    public var stdout: String
    /// Standard error, decoded as UTF-8.
    public var stderr: String

    /// Creates an output from its parts.
    public init(status: Int32, stdout: String, stderr: String) {
      self.status = status
      self.stdout = stdout
      self.stderr = stderr
    }

    /// Whether the command exited with status 0.
    public var succeeded: Bool { status == 0 }

    /// Standard output without leading and trailing white space.
    public var trimmed: String {
      String(stdout.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    public var description: String {
      "status \(status), stdout: \(stdout.debugDescription), stderr: \(stderr.debugDescription)"
    }
  }
}
