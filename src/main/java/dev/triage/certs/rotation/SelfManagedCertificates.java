package dev.triage.certs.rotation;

import dev.triage.certs.ServingCertificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * One replica's part in self-managed certificates. Every replica runs {@link #reconcile()}
 * periodically; they agree through the store: whoever writes the next state first wins, the
 * others get a conflict, read again and find nothing left to do. Every replica serves what the
 * store holds and publishes its bundle if the webhook configurations hold an older one.
 */
public final class SelfManagedCertificates {
  // A round ends when nothing is due; a few steps can fall due at once (write, publish, record it).
  private static final int MAX_STEPS_PER_ROUND = 8;

  /** What a replica does with the results. */
  public interface Listener {
    /** Serve this certificate from the next handshake on; {@code bundle} is what clients trust. */
    void serve(ServingCertificate serving, List<X509Certificate> bundle);

    /** Something worth a log line: a step taken, a conflict lost, a bundle published. */
    void event(String message);
  }

  private final CertificateStore store;
  private final BundlePublisher publisher;
  private final Rotation rotation;
  private final Listener listener;
  private X509Certificate served;

  public SelfManagedCertificates(CertificateStore store, BundlePublisher publisher, Rotation rotation,
      Listener listener) {
    this.store = store;
    this.publisher = publisher;
    this.rotation = rotation;
    this.listener = listener;
  }

  /** Reads the store, takes whatever steps are due, publishes the bundle and serves the result. */
  public synchronized CertificateState reconcile() {
    Optional<CertificateStore.Versioned> stored = store.read();
    for (int step = 0; step < MAX_STEPS_PER_ROUND; step++) {
      long published = publish(stored);
      Step next = rotation.next(stored.map(CertificateStore.Versioned::state), published);
      if (next.write().isEmpty()) {
        break;
      }
      try {
        stored = Optional.of(store.write(next.write().get(), stored.map(CertificateStore.Versioned::version)));
        listener.event(next.reason());
      } catch (ConflictException e) {
        listener.event("another replica changed the certificates first; reading them again");
        stored = store.read();
      }
    }
    CertificateState state = stored.orElseThrow(() -> new IllegalStateException("no certificate state stored"))
        .state();
    if (!state.serving().certificate().equals(served)) {
      listener.serve(state.serving(), state.bundle());
      served = state.serving().certificate();
    }
    return state;
  }

  private long publish(Optional<CertificateStore.Versioned> stored) {
    long published = publisher.publishedGeneration();
    if (stored.isEmpty() || published >= stored.get().state().bundleGeneration()) {
      return published;
    }
    CertificateState state = stored.get().state();
    try {
      publisher.publish(state.bundle(), state.bundleGeneration());
      listener.event("published caBundle generation " + state.bundleGeneration() + " (" + state.bundle().size()
          + " CAs)");
      return publisher.publishedGeneration();
    } catch (ConflictException e) {
      listener.event("a webhook configuration changed while publishing the caBundle; trying again next round");
      return published;
    }
  }
}
