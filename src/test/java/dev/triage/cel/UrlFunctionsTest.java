package dev.triage.cel;

import static dev.triage.cel.TestCel.eval;
import static dev.triage.cel.TestCel.evalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlFunctionsTest {

  @ParameterizedTest
  @ValueSource(strings = {
    "https://user:pass@example.com:80/path?query=val#fragment", "/absolute-path", "https://example.com",
    "http://[::1]:8080/x", "*", "mailto:someone@example.com", "https://example.com/path with spaces/",
    "HTTPS://EXAMPLE.com/"
  })
  void acceptsAbsoluteUrisAndPaths(String text) {
    assertTrue(Url.isValid(text), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "https://a:b:c/", "../relative-path", "relative", "", "https://exa mple.com/", "https://example.com/%zz",
    "http://[::1/", "https://example.com:port/", ":no-scheme", "http://ex\nample.com/"
  })
  void rejectsWhatGoRejects(String text) {
    assertFalse(Url.isValid(text), text);
  }

  @Test
  void getters() {
    assertEquals("", eval("url('/path').getScheme()"));
    assertEquals("https", eval("url('https://example.com/').getScheme()"));
    assertEquals("https", eval("url('HTTPS://example.com/').getScheme()"));
    assertEquals("example.com:80", eval("url('https://example.com:80/').getHost()"));
    assertEquals("example.com", eval("url('https://example.com/').getHost()"));
    assertEquals("[::1]:80", eval("url('https://[::1]:80/').getHost()"));
    assertEquals("[::1]", eval("url('https://[::1]/').getHost()"));
    assertEquals("", eval("url('/path').getHost()"));
    assertEquals("example.com", eval("url('https://example.com:80/').getHostname()"));
    assertEquals("127.0.0.1", eval("url('https://127.0.0.1:80/').getHostname()"));
    assertEquals("::1", eval("url('https://[::1]:80/').getHostname()"));
    assertEquals("", eval("url('/path').getHostname()"));
    assertEquals("80", eval("url('https://example.com:80/').getPort()"));
    assertEquals("", eval("url('https://example.com/').getPort()"));
    assertEquals("", eval("url('/path').getPort()"));
    assertEquals("/path", eval("url('https://example.com/path').getEscapedPath()"));
    assertEquals("/path%20with%20spaces/", eval("url('https://example.com/path with spaces/').getEscapedPath()"));
    assertEquals("/a%2Fb", eval("url('https://example.com/a%2Fb').getEscapedPath()"));
    assertEquals("", eval("url('https://example.com').getEscapedPath()"));
    assertEquals("/path", eval("url('https://example.com/path#frag').getEscapedPath()"));
  }

  @Test
  void query() {
    assertEquals(Map.of("k1", List.of("a"), "k2", List.of("b", "c")),
        eval("url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()"));
    assertEquals(Map.of("key with spaces", List.of("value with spaces")),
        eval("url('https://example.com/path?key with spaces=value with spaces').getQuery()"));
    assertEquals(Map.of("a b", List.of("c/d")), eval("url('https://example.com/?a+b=c%2Fd').getQuery()"));
    assertEquals(Map.of(), eval("url('https://example.com/path?').getQuery()"));
    assertEquals(Map.of(), eval("url('https://example.com/path').getQuery()"));
    assertEquals(Map.of("ok", List.of("1")), eval("url('https://example.com/?bad;pair=1&ok=1').getQuery()"));
    assertEquals(List.of("b", "c"), eval("url('https://example.com/?k=b&k=c').getQuery()['k']"));
  }

  @Test
  void errors() {
    assertEquals(true, eval("isURL('https://example.com/') && isURL('/absolute-path')"));
    assertEquals(false, eval("isURL('https://a:b:c/') || isURL('../relative-path')"));
    assertTrue(evalError("url('../relative-path')").getMessage().contains("URL parse error during conversion from string"));
    assertTrue(evalError("url('https://a:b:c/')").getMessage().contains("invalid port"));
  }
}
