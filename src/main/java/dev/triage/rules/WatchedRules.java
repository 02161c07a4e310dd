package dev.triage.rules;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The rules of a directory, kept current while the server runs. The directory is checked every
 * {@code interval} by the contents of its files, not by file events: that sees an editor's
 * rename, a {@code kubectl cp}, and the atomic {@code ..data} symlink swap of a mounted
 * ConfigMap alike, where inotify would need to follow every link.
 *
 * <p>An edit that loads is swapped in whole. An edit that breaks a file which loaded before is
 * rejected: the last good rules keep serving (a half-saved rule must not silently stop being
 * enforced) and the listener hears of the errors, each with file, line and column.
 */
public final class WatchedRules implements Supplier<RuleSnapshot>, AutoCloseable {
  /** Told of each change the watcher found. */
  public interface Listener {
    void reloaded(RuleSnapshot rules);

    /**
     * @param newErrors the errors in files that had none in the rules still serving
     * @param rejections edits rejected since start, this one included
     */
    void rejected(List<RuleError> newErrors, long rejections);
  }

  private final Path directory;
  private final RuleCompiler compiler;
  private final Listener listener;
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong rejections = new AtomicLong();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "triage-rules-watch");
    thread.setDaemon(true);
    return thread;
  });
  private volatile RuleSnapshot current;
  private String loadedFingerprint;

  /** Loads the directory now; call {@link #watch} to follow its changes. */
  public WatchedRules(Path directory, RuleCompiler compiler, Listener listener) {
    this.directory = directory;
    this.compiler = compiler;
    this.listener = listener;
    RuleFiles.Contents contents = RuleFiles.read(directory);
    this.loadedFingerprint = contents.fingerprint();
    this.current = contents.compile(compiler);
  }

  /** Checks the directory every {@code interval} from now on. */
  public WatchedRules watch(Duration interval) {
    timer.scheduleWithFixedDelay(this::checkLogged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public RuleSnapshot get() {
    return current;
  }

  /** Edits that took effect since start. */
  public long reloads() {
    return reloads.get();
  }

  /** Edits rejected since start, the last good rules serving on. */
  public long rejections() {
    return rejections.get();
  }

  /** Loads the directory again if any file changed; returns whether the rules serving changed. */
  public synchronized boolean check() {
    RuleFiles.Contents contents = RuleFiles.read(directory);
    String fingerprint = contents.fingerprint();
    if (fingerprint.equals(loadedFingerprint)) {
      return false;
    }
    loadedFingerprint = fingerprint; // an edit is judged once; the next edit is judged afresh
    RuleSnapshot attempt = contents.compile(compiler);
    Set<String> brokenBefore = new HashSet<>();
    current.errors().forEach(e -> brokenBefore.add(e.file()));
    List<RuleError> newErrors = attempt.errors().stream().filter(e -> !brokenBefore.contains(e.file())).toList();
    if (!newErrors.isEmpty()) {
      listener.rejected(newErrors, rejections.incrementAndGet());
      return false;
    }
    current = attempt;
    reloads.incrementAndGet();
    listener.reloaded(attempt);
    return true;
  }

  private void checkLogged() {
    try {
      check();
    } catch (RuntimeException e) {
      // A failure to look must not end the watch; the rules serving stay as they are.
      listener.rejected(List.of(new RuleError(directory.toString(), new dev.triage.yaml.Position(1, 1), "", "",
          "cannot check for changes: " + e)), rejections.incrementAndGet());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
