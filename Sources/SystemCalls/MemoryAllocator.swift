/// Settings of the C library's memory allocator.
public enum MemoryAllocator {
  /// Fixes the size from which blocks are mapped on their own (and unmapped when freed) at
  /// glibc's default, 128 KiB. Left to itself glibc raises it to the largest mapped block
  /// freed (up to 32 MiB): after reconcile read and freed an 8 MB ledger, every table below
  /// 8 MB came from the heap, which keeps what is freed, and a 5,000-user plan peaked 5 MiB
  /// higher. Where the C library has no `mallopt` it does nothing (`LibC`).
  /// `mallopt(3)` (`M_MMAP_THRESHOLD`)
  public static func fixMappingThreshold() {
    // M_MMAP_THRESHOLD is -3 in <malloc.h>.
    _ = LibC.mallopt?(-3, 128 * 1024)
  }

  /// Gives the free pages inside the heap back to the system. By itself glibc returns only
  /// the free top of the heap: memory freed below blocks still in use (a first apply's plan,
  /// under the ledger the apply built) stays resident, and what the run allocates next comes
  /// on top of it. Where the C library has no `malloc_trim` it does nothing (`LibC`).
  /// `malloc_trim(3)`
  public static func releaseFreeMemory() {
    _ = LibC.mallocTrim?(0)
  }
}
