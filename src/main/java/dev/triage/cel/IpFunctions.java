package dev.triage.cel;

import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/**
 * The Kubernetes IP and CIDR libraries: {@code ip}, {@code isIP}, {@code ip.isCanonical}, the
 * methods of {@code net.IP}, {@code cidr}, {@code isCIDR} and the methods of {@code net.CIDR}.
 */
final class IpFunctions {

  static final OpaqueType IP = OpaqueType.create("net.IP");
  static final OpaqueType CIDR = OpaqueType.create("net.CIDR");

  private IpFunctions() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        fn("ip",
            newGlobalOverload("string_to_ip", IP, SimpleType.STRING),
            newMemberOverload("cidr_ip", IP, CIDR)),
        fn("isIP", newGlobalOverload("is_ip", SimpleType.BOOL, SimpleType.STRING)),
        fn("ip.isCanonical", newGlobalOverload("ip_is_canonical", SimpleType.BOOL, SimpleType.STRING)),
        fn("family", newMemberOverload("ip_family", SimpleType.INT, IP)),
        fn("isUnspecified", newMemberOverload("ip_is_unspecified", SimpleType.BOOL, IP)),
        fn("isLoopback", newMemberOverload("ip_is_loopback", SimpleType.BOOL, IP)),
        fn("isLinkLocalMulticast",
            newMemberOverload("ip_is_link_local_multicast", SimpleType.BOOL, IP)),
        fn("isLinkLocalUnicast", newMemberOverload("ip_is_link_local_unicast", SimpleType.BOOL, IP)),
        fn("isGlobalUnicast", newMemberOverload("ip_is_global_unicast", SimpleType.BOOL, IP)),
        fn("string",
            newGlobalOverload("ip_to_string", SimpleType.STRING, IP),
            newGlobalOverload("cidr_to_string", SimpleType.STRING, CIDR)),
        fn("cidr", newGlobalOverload("string_to_cidr", CIDR, SimpleType.STRING)),
        fn("isCIDR", newGlobalOverload("is_cidr", SimpleType.BOOL, SimpleType.STRING)),
        fn("containsIP",
            newMemberOverload("cidr_contains_ip_string", SimpleType.BOOL, CIDR, SimpleType.STRING),
            newMemberOverload("cidr_contains_ip_ip", SimpleType.BOOL, CIDR, IP)),
        fn("containsCIDR",
            newMemberOverload("cidr_contains_cidr_string", SimpleType.BOOL, CIDR, SimpleType.STRING),
            newMemberOverload("cidr_contains_cidr", SimpleType.BOOL, CIDR, CIDR)),
        fn("prefixLength", newMemberOverload("cidr_prefix_length", SimpleType.INT, CIDR)),
        fn("masked", newMemberOverload("cidr_masked", CIDR, CIDR)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("string_to_ip", String.class, IpFunctions::parseIp),
        CelFunctionBinding.from("cidr_ip", Cidr.class, Cidr::ip),
        CelFunctionBinding.from("is_ip", String.class, IpAddress::isValid),
        CelFunctionBinding.from("ip_is_canonical", String.class, IpFunctions::isCanonical),
        CelFunctionBinding.from("ip_family", IpAddress.class, IpAddress::family),
        CelFunctionBinding.from("ip_is_unspecified", IpAddress.class, IpAddress::isUnspecified),
        CelFunctionBinding.from("ip_is_loopback", IpAddress.class, IpAddress::isLoopback),
        CelFunctionBinding.from(
            "ip_is_link_local_multicast", IpAddress.class, IpAddress::isLinkLocalMulticast),
        CelFunctionBinding.from(
            "ip_is_link_local_unicast", IpAddress.class, IpAddress::isLinkLocalUnicast),
        CelFunctionBinding.from("ip_is_global_unicast", IpAddress.class, IpAddress::isGlobalUnicast),
        CelFunctionBinding.from("ip_to_string", IpAddress.class, IpAddress::toString),
        CelFunctionBinding.from("cidr_to_string", Cidr.class, Cidr::toString),
        CelFunctionBinding.from("string_to_cidr", String.class, IpFunctions::parseCidr),
        CelFunctionBinding.from("is_cidr", String.class, Cidr::isValid),
        CelFunctionBinding.from(
            "cidr_contains_ip_string",
            Cidr.class,
            String.class,
            (c, s) -> c.contains(parseIp(s))),
        CelFunctionBinding.from(
            "cidr_contains_ip_ip", Cidr.class, IpAddress.class, (c, ip) -> c.contains(ip)),
        CelFunctionBinding.from(
            "cidr_contains_cidr_string",
            Cidr.class,
            String.class,
            (c, s) -> c.contains(parseCidr(s))),
        CelFunctionBinding.from(
            "cidr_contains_cidr", Cidr.class, Cidr.class, (c, other) -> c.contains(other)),
        CelFunctionBinding.from("cidr_prefix_length", Cidr.class, Cidr::prefixLength),
        CelFunctionBinding.from("cidr_masked", Cidr.class, Cidr::masked));
  }

  static IpAddress parseIp(String text) throws CelEvaluationException {
    try {
      return IpAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw FunctionErrors.invalidArgument(e.getMessage());
    }
  }

  static Cidr parseCidr(String text) throws CelEvaluationException {
    try {
      return Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw FunctionErrors.invalidArgument(e.getMessage());
    }
  }

  /** Every address has exactly one canonical spelling, which is what toString() produces. */
  static boolean isCanonical(String text) throws CelEvaluationException {
    return parseIp(text).toString().equals(text);
  }

  private static CelFunctionDecl fn(String name, CelOverloadDecl... overloads) {
    return CelFunctionDecl.newFunctionDeclaration(name, overloads);
  }
}
