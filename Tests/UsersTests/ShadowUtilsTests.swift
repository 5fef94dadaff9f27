import Testing

@testable import Core

@Suite("shadow-utils command lines")
struct ShadowUtilsTests {
  let offline = ShadowUtils(root: "/srv/host/")
  let live = ShadowUtils(root: "/")

  @Test("An offline root gets --prefix; the live host does not")
  func prefix() {
    #expect(offline.root == "/srv/host")
    #expect(
      offline.addGroup("bitcoin", system: true).argv
        == ["/usr/sbin/groupadd", "--prefix", "/srv/host", "--system", "--", "bitcoin"])
    #expect(
      live.addGroup("media", gid: 2000, system: false).argv
        == ["/usr/sbin/groupadd", "-g", "2000", "--", "media"])
  }

  @Test("useradd for system and login users")
  func addUser() {
    let bitcoin = ShadowUtils.NewUser(
      name: "bitcoin", system: true, primaryGroup: "bitcoin", groups: ["debian-tor", "users"],
      home: "/var/lib/bitcoin", comment: "Bitcoin node", uid: 990, createHome: true)
    #expect(bitcoin.shell == "/usr/sbin/nologin")
    #expect(
      live.addUser(bitcoin).description
        == "useradd --system -g bitcoin -G debian-tor,users -d /var/lib/bitcoin "
        + "-s /usr/sbin/nologin -c 'Bitcoin node' -u 990 -m -- bitcoin")
    let alice = ShadowUtils.NewUser(name: "alice", system: false, home: "/home/alice")
    #expect(
      offline.addUser(alice).arguments == [
        "--prefix", "/srv/host", "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", "-U",
        "-d", "/home/alice", "-s", "/bin/bash", "-c", "", "-M", "--", "alice",
      ])
  }

  @Test("usermod, memberships, locking, subordinate IDs and userdel")
  func changes() {
    #expect(live.modifyUser("report", .init()) == nil)
    #expect(
      live.modifyUser("report", .init(shell: "/bin/sh", comment: "it's me", groups: []))?
        .description == "usermod -s /bin/sh -c 'it'\\''s me' -G '' -- report")
    #expect(
      live.addMember("bitcoin", to: "debian-tor").description
        == "usermod -a -G debian-tor -- bitcoin")
    #expect(
      live.removeMember("bitcoin", from: "debian-tor").description
        == "usermod -r -G debian-tor -- bitcoin")
    #expect(live.lock("report").description == "usermod -L -e 1 -- report")
    #expect(live.unlock("report").description == "usermod -U -e '' -- report")
    #expect(
      offline.addSubordinateIDs("matrix", uids: 100000...165535, gids: 100000...165535)?
        .description == "usermod --prefix /srv/host --add-subuids 100000-165535 "
        + "--add-subgids 100000-165535 -- matrix")
    #expect(live.addSubordinateIDs("matrix", uids: nil, gids: nil) == nil)
    #expect(live.deleteUser("report").description == "userdel -- report")
    #expect(live.deleteUser("report", removeHome: true).description == "userdel -r -- report")
    #expect(live.deleteGroup("report").description == "groupdel -- report")
  }
}
