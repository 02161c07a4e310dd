package dev.triage.certs.rotation;

import java.security.cert.X509Certificate;
import java.util.List;

/** Where clients learn which CAs to trust: the webhook configurations' {@code caBundle}. */
public interface BundlePublisher {
  /** The bundle generation every configuration holds (the lowest of them); 0 when unknown. */
  long publishedGeneration();

  /**
   * Puts {@code bundle} into every configuration that holds an older generation, and never over a
   * newer one.
   *
   * @throws ConflictException if a configuration changed while being updated
   */
  void publish(List<X509Certificate> bundle, long generation);
}
