#if canImport(Glibc)
import Glibc
#endif

/// Settings of the C library's memory allocator.
public enum MemoryAllocator {
  /// Fixes the size from which blocks are mapped on their own (and unmapped when freed) at
  /// glibc's default, 128 KiB. Left to itself glibc raises it to the largest mapped block
  /// freed (up to 32 MiB): after reconcile read and freed an 8 MB ledger, every table below
  /// 8 MB came from the heap, which keeps what is freed, and a 5,000-user plan peaked 5 MiB
  /// higher. Elsewhere than glibc it does nothing. `dlsym(3)`, `mallopt(3)` (`M_MMAP_THRESHOLD`)
  public static func fixMappingThreshold() {
    #if canImport(Glibc)
    // Swift's Glibc module leaves out <malloc.h>: the function is looked up by name, and
    // M_MMAP_THRESHOLD is its value there, -3.
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 128 * 1024)
    #endif
  }

  /// Gives the free pages inside the heap back to the system. By itself glibc returns only
  /// the free top of the heap: memory freed below blocks still in use (a first apply's plan,
  /// under the ledger the apply built) stays resident, and what the run allocates next comes
  /// on top of it. Elsewhere than glibc it does nothing. `dlsym(3)`, `malloc_trim(3)`
  public static func releaseFreeMemory() {
    #if canImport(Glibc)
    typealias MallocTrim = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
    #endif
  }
}
