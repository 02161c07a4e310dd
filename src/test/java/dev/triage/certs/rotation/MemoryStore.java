package dev.triage.certs.rotation;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Secret in memory with the apiserver's rule for writes: a write names the resourceVersion it
 * read, and loses (409) if another write came first. State goes through {@link SecretData}, as
 * it would to a real Secret.
 */
final class MemoryStore implements CertificateStore {
  private final Clock clock;
  private Map<String, byte[]> data;
  private long version;
  final AtomicInteger writes = new AtomicInteger();
  final AtomicInteger conflicts = new AtomicInteger();

  MemoryStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Optional<Versioned> read() {
    return data == null ? Optional.empty()
        : Optional.of(new Versioned(SecretData.decode("memory/triage-tls", data, clock), Long.toString(version)));
  }

  @Override
  public synchronized Versioned write(CertificateState state, Optional<String> expected) {
    boolean current = data == null ? expected.isEmpty() : expected.equals(Optional.of(Long.toString(version)));
    if (!current) {
      conflicts.incrementAndGet();
      throw new ConflictException("version " + expected.orElse("<none>") + " is not " + version);
    }
    data = SecretData.encode(state);
    version++;
    writes.incrementAndGet();
    return new Versioned(state, Long.toString(version));
  }
}
