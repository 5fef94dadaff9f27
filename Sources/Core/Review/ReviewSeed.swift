/// The files a fresh Debian 12 (bookworm) host starts with, as far as reconcile's plugins
/// read them: the account files of a `debootstrap --variant=minbase` root (the test fixture
/// `Tests/Fixtures/debian12-etc`, which adds the group `debian-tor`, GID 107, as the Tor
/// package would), and `/etc/login.defs` without its comments. `reconcile review` applies a
/// commit into a scratch root seeded with these, so that accounts get the IDs a real
/// Debian 12 host would give them. A test keeps them equal to the fixture.
public enum ReviewSeed {
  /// One seeded file.
  public struct File: Sendable {
    /// Where it goes, e.g. `/etc/passwd`.
    public var path: HostPath
    /// Its permission bits.
    public var mode: UInt32
    /// Whether Debian gives it to the group `shadow` (GID 42) rather than `root`.
    public var shadowGroup: Bool
    /// The text.
    public var text: String
  }

  /// Debian's GID of the group `shadow`.
  public static let shadowGID: UInt32 = 42

  /// Every seeded file.
  public static let files: [File] = [
    File(path: HostPath("/etc/passwd")!, mode: 0o644, shadowGroup: false, text: passwd),
    File(path: HostPath("/etc/group")!, mode: 0o644, shadowGroup: false, text: group),
    File(path: HostPath("/etc/shadow")!, mode: 0o640, shadowGroup: true, text: shadow),
    File(path: HostPath("/etc/gshadow")!, mode: 0o640, shadowGroup: true, text: gshadow),
    File(path: HostPath("/etc/subuid")!, mode: 0o644, shadowGroup: false, text: subuid),
    File(path: HostPath("/etc/subgid")!, mode: 0o644, shadowGroup: false, text: subgid),
    File(path: HostPath("/etc/login.defs")!, mode: 0o644, shadowGroup: false, text: logindefs),
  ]

  static let passwd = """
    root:x:0:0:root:/root:/bin/bash
    daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
    bin:x:2:2:bin:/bin:/usr/sbin/nologin
    sys:x:3:3:sys:/dev:/usr/sbin/nologin
    sync:x:4:65534:sync:/bin:/bin/sync
    games:x:5:60:games:/usr/games:/usr/sbin/nologin
    man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
    lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
    mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
    news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
    uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
    proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
    www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
    backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
    list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
    irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
    _apt:x:42:65534::/nonexistent:/usr/sbin/nologin
    nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
    systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
    messagebus:x:100:101::/nonexistent:/usr/sbin/nologin

    """

  static let group = """
    root:x:0:
    daemon:x:1:
    bin:x:2:
    sys:x:3:
    adm:x:4:
    tty:x:5:
    disk:x:6:
    lp:x:7:
    mail:x:8:
    news:x:9:
    uucp:x:10:
    man:x:12:
    proxy:x:13:
    kmem:x:15:
    dialout:x:20:
    fax:x:21:
    voice:x:22:
    cdrom:x:24:
    floppy:x:25:
    tape:x:26:
    sudo:x:27:
    audio:x:29:
    dip:x:30:
    www-data:x:33:
    backup:x:34:
    operator:x:37:
    list:x:38:
    irc:x:39:
    src:x:40:
    shadow:x:42:
    utmp:x:43:
    video:x:44:
    sasl:x:45:
    plugdev:x:46:
    staff:x:50:
    games:x:60:
    users:x:100:
    nogroup:x:65534:
    systemd-journal:x:999:
    systemd-network:x:998:
    messagebus:x:101:
    debian-tor:x:107:

    """

  static let shadow = """
    root:*:20786:0:99999:7:::
    daemon:*:20786:0:99999:7:::
    bin:*:20786:0:99999:7:::
    sys:*:20786:0:99999:7:::
    sync:*:20786:0:99999:7:::
    games:*:20786:0:99999:7:::
    man:*:20786:0:99999:7:::
    lp:*:20786:0:99999:7:::
    mail:*:20786:0:99999:7:::
    news:*:20786:0:99999:7:::
    uucp:*:20786:0:99999:7:::
    proxy:*:20786:0:99999:7:::
    www-data:*:20786:0:99999:7:::
    backup:*:20786:0:99999:7:::
    list:*:20786:0:99999:7:::
    irc:*:20786:0:99999:7:::
    _apt:*:20786:0:99999:7:::
    nobody:*:20786:0:99999:7:::
    systemd-network:!*:20786::::::
    messagebus:!:20786::::::

    """

  static let gshadow = """
    root:*::
    daemon:*::
    bin:*::
    sys:*::
    adm:*::
    tty:*::
    disk:*::
    lp:*::
    mail:*::
    news:*::
    uucp:*::
    man:*::
    proxy:*::
    kmem:*::
    dialout:*::
    fax:*::
    voice:*::
    cdrom:*::
    floppy:*::
    tape:*::
    sudo:*::
    audio:*::
    dip:*::
    www-data:*::
    backup:*::
    operator:*::
    list:*::
    irc:*::
    src:*::
    shadow:*::
    utmp:*::
    video:*::
    sasl:*::
    plugdev:*::
    staff:*::
    games:*::
    users:*::
    nogroup:*::
    systemd-journal:!*::
    systemd-network:!*::
    messagebus:!::
    debian-tor:!::

    """

  static let subuid = ""

  static let subgid = ""

  static let logindefs = """
    MAIL_DIR        /var/mail
    FAILLOG_ENAB\t\tyes
    LOG_UNKFAIL_ENAB\tno
    LOG_OK_LOGINS\t\tno
    SYSLOG_SU_ENAB\t\tyes
    SYSLOG_SG_ENAB\t\tyes
    FTMP_FILE\t/var/log/btmp
    SU_NAME\t\tsu
    HUSHLOGIN_FILE\t.hushlogin
    ENV_SUPATH\tPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    ENV_PATH\tPATH=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games
    TTYGROUP\ttty
    TTYPERM\t\t0600
    ERASECHAR\t0177
    KILLCHAR\t025
    UMASK\t\t022
    PASS_MAX_DAYS\t99999
    PASS_MIN_DAYS\t0
    PASS_WARN_AGE\t7
    UID_MIN\t\t\t 1000
    UID_MAX\t\t\t60000
    SUB_UID_MIN\t\t   100000
    SUB_UID_MAX\t\t600100000
    SUB_UID_COUNT\t\t    65536
    GID_MIN\t\t\t 1000
    GID_MAX\t\t\t60000
    SUB_GID_MIN\t\t   100000
    SUB_GID_MAX\t\t600100000
    SUB_GID_COUNT\t\t    65536
    LOGIN_RETRIES\t\t5
    LOGIN_TIMEOUT\t\t60
    CHFN_RESTRICT\t\trwh
    DEFAULT_HOME\tyes
    USERGROUPS_ENAB yes
    ENCRYPT_METHOD SHA512
    NONEXISTENT\t/nonexistent
    PREVENT_NO_AUTH superuser

    """
}
