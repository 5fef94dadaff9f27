import Foundation
import TestSupport
import Testing

/// `reconcile check --format github|plain`: problems as CI annotations on the lines of a pull
/// request, and as one compiler-style line each.
@Suite struct ReviewCheckFormatTests {
  let scratch: ScratchDirectory

  init() throws {
    scratch = try ScratchDirectory("check-format")
    // A missing role and an unknown key (errors, one with a did-you-mean), and a service
    // enabled beside its timer without an [Install] section (two warnings).
    try scratch.write("repo/reconcile.yaml", "format: 1\n")
    try scratch.write("repo/hosts/gemini.yaml", "roles: [report, nosuchrole]\n")
    try scratch.write(
      "repo/roles/report/role.yaml",
      "units:\n  report.timer:\n    enable: true\n  report.service:\n    enable: true\n"
        + "  web.service:\n    enabel: true\n")
    try scratch.write("repo/roles/report/units/report.service", "[Service]\nExecStart=/bin/true\n")
    try scratch.write(
      "repo/roles/report/units/report.timer", "[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=timers.target\n")
    try scratch.write(
      "repo/roles/report/units/web.service", "[Service]\nExecStart=/bin/true\n\n[Install]\nWantedBy=multi-user.target\n"
    )
  }

  @Test func githubAnnotationsAreExact() throws {
    let result = try TestCommand.reconcile(["check", "--format", "github", scratch.join("repo")])
    #expect(result.status == 1)
    #expect(result.stderr == "")
    #expect(
      result.stdout == """
        ::error file=hosts/gemini.yaml,line=1,col=17::role 'nosuchrole' does not exist \
        (roles/nosuchrole/role.yaml is missing)
        ::error file=roles/report/role.yaml,line=7,col=5::unknown key 'enabel' in unit \
        'web.service'%0Anote: did you mean 'enable'?%0Anote: known keys: enable, start
        ::warning file=roles/report/role.yaml,line=4,col=3::report.service has no [Install] \
        section: enabling it creates nothing%0Anote: add an [Install] section (WantedBy=...) to \
        the unit file, or drop 'enable: true'
        ::warning file=roles/report/role.yaml,line=4,col=3::report.service is triggered by \
        report.timer; enable the timer only, enabling the service too confuses systemd

        """)
  }

  @Test func plainLinesAreOnePerProblem() throws {
    let result = try TestCommand.reconcile([
      "check", "--format", "plain", "--repo", scratch.join("repo"),
    ])
    #expect(result.status == 1)
    #expect(
      result.stdout == """
        hosts/gemini.yaml:1:17: error: role 'nosuchrole' does not exist \
        (roles/nosuchrole/role.yaml is missing)
        roles/report/role.yaml:7:5: error: unknown key 'enabel' in unit 'web.service'
        roles/report/role.yaml:4:3: warning: report.service has no [Install] section: enabling \
        it creates nothing
        roles/report/role.yaml:4:3: warning: report.service is triggered by report.timer; enable \
        the timer only, enabling the service too confuses systemd

        """)
  }

  @Test func aValidRepositoryPrintsNothingInEitherFormat() throws {
    for format in ["github", "plain"] {
      let result = try TestCommand.reconcile(["check", "--format", format, exampleRepository])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == "")
    }
  }

  @Test func propertiesAndMessagesAreEscapedForTheRunner() throws {
    try scratch.write("repo/roles/report/units/a,b%c:d.service", "[Service]\nExecStart=/bin/true\n")
    let result = try TestCommand.reconcile(["check", "--format", "github", scratch.join("repo")])
    #expect(
      result.stdout.contains(
        "::error file=roles/report/units/a%2Cb%25c%3Ad.service::unit name 'a,b%25c:d.service' "
          + "contains a character"
      ),
      "\(result.stdout)")
  }
}

/// The example's CI workflow: one file for GitHub and Forgejo, running check and review.
@Suite struct ReviewWorkflowTests {
  @Test func theExampleWorkflowIsTheSameForGitHubAndForgejoAndRunsCheckAndReview() throws {
    let github = try String(
      contentsOfFile: "\(exampleRepository)/.github/workflows/review.yaml", encoding: .utf8)
    let forgejo = try String(
      contentsOfFile: "\(exampleRepository)/.forgejo/workflows/review.yaml", encoding: .utf8)
    #expect(github == forgejo)
    #expect(github.contains("reconcile check --format github\n"))
    #expect(
      github.contains("reconcile review --base \"origin/${{ github.base_ref }}\" --head HEAD"))
    #expect(github.contains("--format markdown > review.md"))
    #expect(github.contains("fetch-depth: 0"))
    // The loader reads reconcile.yaml, hosts/ and roles/ only: the workflow folders are fine.
    let check = try TestCommand.reconcile(["check", "--format", "plain", exampleRepository])
    #expect(check.status == 0, "\(check.stdout)")
  }
}
