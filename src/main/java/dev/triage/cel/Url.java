package dev.triage.cel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A URL parsed with the rules of Go's {@code net/url}, which Kubernetes' {@code url()} uses: the
 * string must pass {@code url.ParseRequestURI} (an absolute URI or an absolute path), and its
 * parts are then taken from {@code url.Parse}. Only the parts the CEL library exposes are kept.
 */
public final class Url {

  /** Go's escaping modes; each allows a different set of characters unescaped. */
  private enum Mode { PATH, HOST, ZONE, USER_PASSWORD, QUERY_COMPONENT, FRAGMENT }

  private String text = "";
  private String scheme = "";
  private String host = "";
  private String path = "";
  private String rawPath = "";
  private String rawQuery = "";

  private Url() {}

  /**
   * Parses like Kubernetes' {@code url()}.
   *
   * @throws IllegalArgumentException if {@code text} is not an absolute URI or absolute path
   */
  public static Url parse(String text) {
    try {
      parse(text, true);
      int hash = text.indexOf('#');
      Url url = parse(hash < 0 ? text : text.substring(0, hash), false);
      if (hash >= 0) {
        unescape(text.substring(hash + 1), Mode.FRAGMENT);
      }
      url.text = text;
      return url;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "URL parse error during conversion from string: parse " + GoQuote.quote(text) + ": "
              + e.getMessage());
    }
  }

  /** Kubernetes' {@code isURL}: true if Go's {@code url.ParseRequestURI} accepts the string. */
  public static boolean isValid(String text) {
    try {
      parse(text, true);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Url parse(String raw, boolean viaRequest) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("net/url: invalid control character in URL");
      }
    }
    if (raw.isEmpty() && viaRequest) {
      throw new IllegalArgumentException("empty url");
    }
    Url url = new Url();
    if (raw.equals("*")) {
      url.path = "*";
      return url;
    }
    String rest = splitScheme(raw, url);
    url.scheme = url.scheme.toLowerCase(java.util.Locale.ROOT);
    if (rest.endsWith("?") && rest.indexOf('?') == rest.length() - 1) {
      rest = rest.substring(0, rest.length() - 1);
    } else {
      int q = rest.indexOf('?');
      if (q >= 0) {
        url.rawQuery = rest.substring(q + 1);
        rest = rest.substring(0, q);
      }
    }
    if (!rest.startsWith("/")) {
      if (!url.scheme.isEmpty()) {
        // A rootless path after a scheme is opaque (e.g. mailto:x); it has no host or path.
        return url;
      }
      if (viaRequest) {
        throw new IllegalArgumentException("invalid URI for request");
      }
      int slash = rest.indexOf('/');
      String segment = slash < 0 ? rest : rest.substring(0, slash);
      if (segment.contains(":")) {
        throw new IllegalArgumentException("first path segment in URL cannot contain colon");
      }
    }
    if ((!url.scheme.isEmpty() || !viaRequest && !rest.startsWith("///")) && rest.startsWith("//")) {
      String authority = rest.substring(2);
      rest = "";
      int slash = authority.indexOf('/');
      if (slash >= 0) {
        rest = authority.substring(slash);
        authority = authority.substring(0, slash);
      }
      url.host = parseAuthority(authority);
    }
    url.path = unescape(rest, Mode.PATH);
    url.rawPath = rest.equals(escape(url.path, Mode.PATH)) ? "" : rest;
    return url;
  }

  private static String splitScheme(String raw, Url url) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        continue;
      }
      if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        if (i == 0) {
          return raw;
        }
        continue;
      }
      if (c == ':') {
        if (i == 0) {
          throw new IllegalArgumentException("missing protocol scheme");
        }
        url.scheme = raw.substring(0, i);
        return raw.substring(i + 1);
      }
      return raw;
    }
    return raw;
  }

  /** Validates user info and returns the unescaped host of an authority component. */
  private static String parseAuthority(String authority) {
    int at = authority.lastIndexOf('@');
    String host = parseHost(at < 0 ? authority : authority.substring(at + 1));
    if (at >= 0) {
      String userinfo = authority.substring(0, at);
      for (int i = 0; i < userinfo.length(); i++) {
        char c = userinfo.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || "-._:~!$&'()*+,;=%@".indexOf(c) >= 0;
        if (!ok) {
          throw new IllegalArgumentException("net/url: invalid userinfo");
        }
      }
      int colon = userinfo.indexOf(':');
      unescape(colon < 0 ? userinfo : userinfo.substring(0, colon), Mode.USER_PASSWORD);
      if (colon >= 0) {
        unescape(userinfo.substring(colon + 1), Mode.USER_PASSWORD);
      }
    }
    return host;
  }

  private static String parseHost(String host) {
    if (host.startsWith("[")) {
      int close = host.lastIndexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("missing ']' in host");
      }
      String colonPort = host.substring(close + 1);
      if (!validOptionalPort(colonPort)) {
        throw new IllegalArgumentException("invalid port " + GoQuote.quote(colonPort) + " after host");
      }
      int zone = host.substring(0, close).indexOf("%25");
      if (zone >= 0) {
        return unescape(host.substring(0, zone), Mode.HOST)
            + unescape(host.substring(zone, close), Mode.ZONE)
            + unescape(host.substring(close), Mode.HOST);
      }
    } else {
      int colon = host.lastIndexOf(':');
      if (colon >= 0) {
        String colonPort = host.substring(colon);
        if (!validOptionalPort(colonPort)) {
          throw new IllegalArgumentException(
              "invalid port " + GoQuote.quote(colonPort) + " after host");
        }
      }
    }
    return unescape(host, Mode.HOST);
  }

  private static boolean validOptionalPort(String port) {
    if (port.isEmpty()) {
      return true;
    }
    if (port.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < port.length(); i++) {
      if (port.charAt(i) < '0' || port.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Go's url.unescape: decodes %XX (and '+' in query components) over UTF-8 bytes. */
  private static String unescape(String s, Mode mode) {
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      int c = in[i] & 0xff;
      if (c == '%') {
        if (i + 2 >= in.length || !isHex((char) in[i + 1]) || !isHex((char) in[i + 2])) {
          throw new IllegalArgumentException("invalid URL escape");
        }
        int hi = Character.digit(in[i + 1], 16);
        // In a host, %-escapes may only encode non-ASCII bytes, except %25 in an IPv6 zone.
        if (mode == Mode.HOST && hi < 8 && !(in[i + 1] == '2' && in[i + 2] == '5')) {
          throw new IllegalArgumentException("invalid URL escape");
        }
        out.write(hi * 16 + Character.digit(in[i + 2], 16));
        i += 2;
      } else if (c == '+' && mode == Mode.QUERY_COMPONENT) {
        out.write(' ');
      } else {
        if ((mode == Mode.HOST || mode == Mode.ZONE) && c < 0x80 && shouldEscape(c, mode)) {
          throw new IllegalArgumentException("invalid character " + GoQuote.quote(String.valueOf((char) c)) + " in host name");
        }
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Go's url.escape for the PATH mode (spaces become %20, hex digits upper case). */
  private static String escape(String s, Mode mode) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (shouldEscape(c, mode)) {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  private static boolean shouldEscape(int c, Mode mode) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return false;
    }
    if ((mode == Mode.HOST || mode == Mode.ZONE) && "!$&'()*+,;=:[]<>\"".indexOf(c) >= 0) {
      return false;
    }
    if ("-_.~".indexOf(c) >= 0) {
      return false;
    }
    if ("$&+,/:;=?@".indexOf(c) >= 0) {
      switch (mode) {
        case PATH:
          return c == '?';
        case USER_PASSWORD:
          return c == '@' || c == '/' || c == '?' || c == ':';
        case QUERY_COMPONENT:
          return true;
        case FRAGMENT:
          return false;
        default:
          break;
      }
    }
    if (mode == Mode.FRAGMENT && "!()*".indexOf(c) >= 0) {
      return false;
    }
    return true;
  }

  /** Go's validEncoded for paths: RawPath is only used if it contains nothing needing escape. */
  private static boolean validEncodedPath(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("!$&'()*+,;=:@[]%".indexOf(c) >= 0) {
        continue;
      }
      if (c >= 0x80 || shouldEscape(c, Mode.PATH)) {
        return false;
      }
    }
    return true;
  }

  public String scheme() {
    return scheme;
  }

  /** Host and port; IPv6 literals keep their brackets. */
  public String host() {
    return host;
  }

  /** The host without port or IPv6 brackets. */
  public String hostname() {
    String h = splitHostPort()[0];
    if (h.startsWith("[") && h.endsWith("]")) {
      return h.substring(1, h.length() - 1);
    }
    return h;
  }

  public String port() {
    return splitHostPort()[1];
  }

  private String[] splitHostPort() {
    int colon = host.lastIndexOf(':');
    if (colon >= 0 && validOptionalPort(host.substring(colon))) {
      return new String[] {host.substring(0, colon), host.substring(colon + 1)};
    }
    return new String[] {host, ""};
  }

  /** Go's URL.EscapedPath: the path as written if that is a valid encoding of it. */
  public String escapedPath() {
    if (!rawPath.isEmpty() && validEncodedPath(rawPath)) {
      try {
        if (unescape(rawPath, Mode.PATH).equals(path)) {
          return rawPath;
        }
      } catch (IllegalArgumentException e) {
        // Fall back to escaping the decoded path.
      }
    }
    if (path.equals("*")) {
      return "*";
    }
    return escape(path, Mode.PATH);
  }

  /**
   * Go's URL.Query: {@code &}-separated pairs, keys and values unescaped, repeated keys collected in
   * order. Pairs that contain {@code ;} or bad escapes are skipped, as Go does.
   */
  public Map<String, List<String>> query() {
    Map<String, List<String>> result = new LinkedHashMap<>();
    String q = rawQuery;
    while (!q.isEmpty()) {
      int amp = q.indexOf('&');
      String pair = amp < 0 ? q : q.substring(0, amp);
      q = amp < 0 ? "" : q.substring(amp + 1);
      if (pair.contains(";") || pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String key = unescape(eq < 0 ? pair : pair.substring(0, eq), Mode.QUERY_COMPONENT);
        String value = eq < 0 ? "" : unescape(pair.substring(eq + 1), Mode.QUERY_COMPONENT);
        result.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException e) {
        // Go's ParseQuery drops pairs it cannot decode.
      }
    }
    return result;
  }

  /** The string the URL was parsed from. */
  @Override
  public String toString() {
    return text;
  }

  /** Equal when parsed from the same string. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Url && text.equals(((Url) o).text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
