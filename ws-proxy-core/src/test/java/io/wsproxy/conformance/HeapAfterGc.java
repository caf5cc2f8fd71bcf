package io.wsproxy.conformance;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * The heap the kit's memory cases compare: the bytes live right after a full collection.
 *
 * <p>It is read from each heap pool's {@linkplain MemoryPoolMXBean#getCollectionUsage() usage at
 * the end of the last collection}, not from {@code Runtime.totalMemory() - freeMemory()} a moment
 * later. That difference also counts every allocation buffer (TLAB) a thread took since the
 * collection ended, whole: one object allocated by any thread of the test JVM (the event loops,
 * the test peers, surefire's output thread) can add megabytes to it. It made a ping-flood case
 * read 5.2 MiB on CI where a class histogram taken at the same point showed about 0.5 MiB retained.
 */
final class HeapAfterGc {

  private HeapAfterGc() {}

  /** Collects twice (G1 collects fully on {@code System.gc()}) and returns the heap left live. */
  static long used() {
    System.gc();
    System.gc();
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
      if (afterGc != null) {
        used += afterGc.getUsed();
      }
    }
    return used;
  }
}
