#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// glibc functions Swift's Glibc module does not import (they sit behind `_GNU_SOURCE`, or
/// in headers it leaves out), looked up at run time so that a missing one is a fallback, not
/// a link error. `dlsym(3)`
enum LibC {
  typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32
  typealias AddCloseFrom =
    @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32)
    -> Int32
  typealias OpenPt = @convention(c) (Int32) -> Int32
  typealias OnMaster = @convention(c) (Int32) -> Int32
  typealias PtsName = @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32
  typealias GetDents = @convention(c) (Int32, UnsafeMutableRawPointer?, Int) -> Int
  typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
  typealias MallocTrim = @convention(c) (Int) -> Int32

  static let memfdCreate: MemfdCreate? = symbol("memfd_create")
  static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
  static let openpt: OpenPt? = symbol("posix_openpt")
  static let grantpt: OnMaster? = symbol("grantpt")
  static let unlockpt: OnMaster? = symbol("unlockpt")
  static let ptsname: PtsName? = symbol("ptsname_r")
  /// glibc 2.30 and later.
  static let getdents64: GetDents? = symbol("getdents64")
  /// <malloc.h>, which the Glibc module leaves out.
  static let mallopt: MallOpt? = symbol("mallopt")
  static let mallocTrim: MallocTrim? = symbol("malloc_trim")

  private static func symbol<F>(_ name: String) -> F? {
    // A null handle is RTLD_DEFAULT: search the process's global symbols.
    guard let address = dlsym(nil, name) else { return nil }
    return unsafeBitCast(address, to: F.self)
  }
}
