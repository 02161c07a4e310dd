package dev.triage.certs;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/**
 * The DNS names and IP addresses a serving certificate is valid for. Clients such as the Kubernetes
 * API server match only against these entries and ignore the subject common name.
 */
final class SubjectAltNames {
  // One or more labels of letters, digits, hyphens and underscores (the latter appear in real
  // service names), optionally preceded by a single leading wildcard label.
  private static final Pattern DNS_NAME = Pattern.compile(
      "(\\*\\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
  private static final int MAX_DNS_NAME_LENGTH = 253;

  private final List<String> dnsNames;
  private final List<String> ipAddresses;

  private SubjectAltNames(List<String> dnsNames, List<String> ipAddresses) {
    this.dnsNames = dnsNames;
    this.ipAddresses = ipAddresses;
  }

  /**
   * Validates the names. IP literals are parsed as text, so nothing here resolves a name.
   *
   * @throws IllegalArgumentException naming the offending entry and what is expected instead
   */
  static SubjectAltNames of(List<String> dnsNames, List<String> ipAddresses) {
    Set<String> dns = new LinkedHashSet<>();
    for (String name : dnsNames) {
      dns.add(checkedDnsName(name));
    }
    Set<String> ips = new LinkedHashSet<>();
    for (String ip : ipAddresses) {
      ips.add(checkedIpAddress(ip));
    }
    if (dns.isEmpty() && ips.isEmpty()) {
      throw new IllegalArgumentException(
          "A serving certificate needs at least one DNS name or IP address that clients connect to,"
              + " for example the webhook service name <service>.<namespace>.svc");
    }
    return new SubjectAltNames(List.copyOf(dns), List.copyOf(ips));
  }

  static boolean isValidDnsName(String name) {
    return name != null
        && name.length() <= MAX_DNS_NAME_LENGTH
        && !IPAddress.isValid(name)
        && DNS_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
  }

  /** The first name, used as the subject common name for readability in tools that show it. */
  String primaryName() {
    return dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
  }

  GeneralNames toGeneralNames() {
    List<GeneralName> names = new ArrayList<>();
    for (String name : dnsNames) {
      names.add(new GeneralName(GeneralName.dNSName, name));
    }
    for (String ip : ipAddresses) {
      // GeneralName encodes an IP literal from its text form itself, without InetAddress lookups.
      names.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static String checkedDnsName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("DNS names for a certificate must not be empty");
    }
    String trimmed = name.trim();
    if (IPAddress.isValid(trimmed)) {
      throw new IllegalArgumentException("'" + trimmed + "' is an IP address; list it among the IP addresses,"
          + " not the DNS names, so that clients connecting to it can verify the certificate");
    }
    if (!isValidDnsName(trimmed)) {
      throw new IllegalArgumentException("'" + name + "' is not a valid DNS name for a certificate:"
          + " use letters, digits, hyphens and dots (internationalised names in their xn-- form),"
          + " at most " + MAX_DNS_NAME_LENGTH + " characters");
    }
    return trimmed.toLowerCase(Locale.ROOT);
  }

  private static String checkedIpAddress(String ip) {
    String trimmed = ip == null ? "" : ip.trim();
    if (!IPAddress.isValid(trimmed)) {
      throw new IllegalArgumentException("'" + ip + "' is not an IPv4 or IPv6 address literal"
          + " (without brackets, zone or netmask); list host names among the DNS names instead");
    }
    return trimmed;
  }
}
