package dev.triage.server;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.BadReviewException;
import dev.triage.cluster.StaticClusterView;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Runs the hot paths before they serve, so the first review of a new replica is as fast as the
 * millionth: the engine on {@link WarmUpReviews}, round after round until rounds stop getting
 * faster or most of the time allowed has passed, then, at start only, the whole server path (TLS
 * handshakes, HTTP/2 and HTTP/1.1, parse, decide, write) against a second server on a loopback
 * port. Bounded by {@code budget}; zero turns it off.
 *
 * <p>It cannot change a decision or be mistaken for traffic: it has its own engine over the same
 * rules (with a cluster view of the tests' own Namespaces and PodDisruptionBudgets, so no cluster
 * read), its own handler whose decision lines go nowhere and whose metrics nobody scrapes, and its
 * own server on 127.0.0.1, closed after. Until it is done {@code /readyz} says so.
 */
public final class WarmUp implements ReadinessCheck {
  /** What one warm-up did. */
  public record Result(String phase, int objects, long engineReviews, long serverReviews, long millis) {}

  /** The share of the budget the engine gets when the server path follows. */
  private static final double ENGINE_SHARE = 0.7;
  private static final Duration DECISION_BUDGET = Duration.ofSeconds(2);
  /** Requests per connection in the server path's rounds. */
  private static final int ROUND = 25;

  private final Vertx vertx;
  private final Path rulesDirectory;
  private final AdmissionServer.Config loopback;
  private final Duration budget;
  private final ServeLog log;
  private final Clock clock;
  private volatile Result last;

  /**
   * @param serving the real server's configuration: the loopback server presents the same
   *     certificate files with the same limits
   */
  public WarmUp(Vertx vertx, Path rulesDirectory, AdmissionServer.Config serving, Duration budget, ServeLog log,
      Clock clock) {
    this.vertx = vertx;
    this.rulesDirectory = rulesDirectory;
    this.loopback = new AdmissionServer.Config("127.0.0.1", 0, serving.certificate(), serving.privateKey(), null,
        serving.limits());
    this.budget = budget;
    this.log = log;
    this.clock = clock;
  }

  /** Before the server turns ready: the engine, then the server path over loopback TLS. */
  public Result beforeReady(RuleSnapshot rules) {
    return run("start", rules, true, budget);
  }

  /**
   * After a rules edit, before the new rules serve: the engine on them, for a quarter of the
   * budget. The code that evaluates rules is compiled by then; only the new rules are cold.
   */
  public Result beforeServing(RuleSnapshot rules) {
    return run("reload", rules, false, budget.dividedBy(4));
  }

  private Result run(String phase, RuleSnapshot rules, boolean serverPath, Duration bound) {
    if (bound.isZero()) {
      last = new Result(phase, 0, 0, 0, 0);
      return last;
    }
    long started = System.nanoTime();
    long deadline = started + bound.toNanos();
    int objects = 0;
    long engineReviews = 0;
    long serverReviews = 0;
    try {
      WarmUpReviews reviews = WarmUpReviews.of(rulesDirectory, rules);
      objects = reviews.bodies().size();
      ReviewHandler handler = handler(rules, reviews);
      long engineUntil = serverPath ? started + (long) (bound.toNanos() * ENGINE_SHARE) : deadline;
      engineReviews = engine(handler, reviews, engineUntil);
      if (serverPath) {
        serverReviews = server(handler, reviews, deadline);
      }
    } catch (RuntimeException e) {
      // A warm-up that fails only leaves the JVM colder; the server serves all the same.
      log.warmUpFailed(phase, e.toString());
    }
    last = new Result(phase, objects, engineReviews, serverReviews,
        (System.nanoTime() - started) / 1_000_000);
    log.warmedUp(last);
    return last;
  }

  private ReviewHandler handler(RuleSnapshot rules, WarmUpReviews reviews) {
    Engine engine = new Engine(() -> rules, new StaticClusterView(reviews.clusterObjects(), "default"), clock);
    DecisionLog nowhere = new DecisionLog(new PrintStream(OutputStream.nullOutputStream()), clock);
    return new ReviewHandler(engine, nowhere, new Metrics(), clock);
  }

  /**
   * Round after round over the reviews, both endpoints each, until {@code until} or until rounds
   * stop getting faster (the hot paths are compiled).
   */
  private static long engine(ReviewHandler handler, WarmUpReviews reviews, long until) {
    long done = 0;
    Convergence rounds = new Convergence();
    while (!reviews.bodies().isEmpty() && !rounds.flat()) {
      rounds.start();
      for (byte[] body : reviews.bodies()) {
        for (Endpoint endpoint : Endpoint.values()) {
          if (System.nanoTime() - until >= 0) {
            return done;
          }
          try {
            AdmissionRequest request = handler.parse(endpoint, body);
            handler.decide(endpoint, request, DECISION_BUDGET);
            done++;
          } catch (BadReviewException e) {
            // not one the codec takes: skipped
          }
        }
      }
      rounds.end();
    }
    return done;
  }

  /**
   * The reviews to both endpoints as callers send them: over HTTP/2 (what kube-apiserver
   * negotiates) and HTTP/1.1, a round of {@link #ROUND} requests at a time on new connections
   * (a TLS handshake each, as a new caller's first review), keep-alive within the round; round
   * after round until the deadline or until rounds stop getting faster; at least one review to
   * each endpoint, so the path has run whatever the budget.
   */
  private long server(ReviewHandler handler, WarmUpReviews reviews, long deadline) {
    if (reviews.bodies().isEmpty()) {
      return 0;
    }
    AdmissionServer server = new AdmissionServer(vertx, handler, () -> true, loopback);
    int port = server.start().await();
    long done = 0;
    int next = 0;
    Convergence rounds = new Convergence();
    try {
      while (!rounds.flat()) {
        rounds.start();
        for (HttpVersion version : List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)) {
          HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
              .setProtocolVersion(version).setUseAlpn(true).setSsl(true).setTrustAll(true).setVerifyHost(false)
              .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1).setHttp2MaxSize(1));
          try {
            for (int i = 0; i < ROUND; i++, next++) {
              if (done >= Endpoint.values().length && System.nanoTime() - deadline >= 0) {
                return done;
              }
              byte[] body = reviews.bodies().get(next / 2 % reviews.bodies().size());
              Endpoint endpoint = Endpoint.values()[next % 2];
              RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                  .setPort(port).setURI(endpoint.path() + "?timeout=10s").putHeader("Content-Type", "application/json");
              client.request(post)
                  .compose(request -> request.send(Buffer.buffer(body)))
                  .compose(response -> response.body())
                  .await();
              done++;
            }
          } finally {
            client.close().await();
          }
        }
        rounds.end();
      }
    } finally {
      server.close();
    }
    return done;
  }

  /** Whether rounds of the same work have stopped getting faster: twice not 10% under the best. */
  private static final class Convergence {
    private long best = Long.MAX_VALUE;
    private int flatRounds;
    private long started;

    void start() {
      started = System.nanoTime();
    }

    void end() {
      long took = System.nanoTime() - started;
      flatRounds = took > best * 0.9 ? flatRounds + 1 : 0;
      best = Math.min(best, took);
    }

    boolean flat() {
      return flatRounds >= 2;
    }
  }

  @Override
  public boolean ready() {
    return last != null;
  }

  @Override
  public String detail() {
    Result result = last;
    if (result == null) {
      return "warm-up: running (at most " + budget.toMillis() + " ms)";
    }
    if (budget.isZero()) {
      return "warm-up: off";
    }
    return "warm-up: " + result.engineReviews() + " reviews of " + result.objects() + " objects through the engine"
        + (result.phase().equals("start") ? " and " + result.serverReviews() + " over loopback TLS" : "")
        + " in " + result.millis() + " ms (" + result.phase() + ")";
  }
}
