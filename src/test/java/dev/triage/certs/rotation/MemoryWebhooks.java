package dev.triage.certs.rotation;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Two webhook configurations' caBundle and the generation each holds, in memory. */
final class MemoryWebhooks implements BundlePublisher {
  private final long[] generations = new long[2];
  private final List<List<X509Certificate>> bundles = new ArrayList<>(List.of(List.of(), List.of()));

  @Override
  public synchronized long publishedGeneration() {
    return Math.min(generations[0], generations[1]);
  }

  @Override
  public synchronized void publish(List<X509Certificate> bundle, long generation) {
    for (int i = 0; i < 2; i++) {
      if (generations[i] < generation) {
        generations[i] = generation;
        bundles.set(i, List.copyOf(bundle));
      }
    }
  }

  /** What the apiserver trusts when calling the webhook: both configurations must agree. */
  synchronized List<X509Certificate> trusted() {
    List<X509Certificate> both = new ArrayList<>(bundles.get(0));
    both.retainAll(bundles.get(1));
    return both;
  }
}
