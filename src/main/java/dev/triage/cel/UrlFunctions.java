package dev.triage.cel;

import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/** The Kubernetes URL library: {@code url}, {@code isURL} and the getters of {@code kubernetes.URL}. */
final class UrlFunctions {

  static final OpaqueType URL = OpaqueType.create("kubernetes.URL");

  private UrlFunctions() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        fn("url", newGlobalOverload("string_to_url", URL, SimpleType.STRING)),
        fn("isURL", newGlobalOverload("is_url_string", SimpleType.BOOL, SimpleType.STRING)),
        fn("getScheme", newMemberOverload("url_get_scheme", SimpleType.STRING, URL)),
        fn("getHost", newMemberOverload("url_get_host", SimpleType.STRING, URL)),
        fn("getHostname", newMemberOverload("url_get_hostname", SimpleType.STRING, URL)),
        fn("getPort", newMemberOverload("url_get_port", SimpleType.STRING, URL)),
        fn("getEscapedPath", newMemberOverload("url_get_escaped_path", SimpleType.STRING, URL)),
        fn("getQuery",
            newMemberOverload(
                "url_get_query",
                MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING)),
                URL)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("string_to_url", String.class, UrlFunctions::parse),
        CelFunctionBinding.from("is_url_string", String.class, Url::isValid),
        CelFunctionBinding.from("url_get_scheme", Url.class, Url::scheme),
        CelFunctionBinding.from("url_get_host", Url.class, Url::host),
        CelFunctionBinding.from("url_get_hostname", Url.class, Url::hostname),
        CelFunctionBinding.from("url_get_port", Url.class, Url::port),
        CelFunctionBinding.from("url_get_escaped_path", Url.class, Url::escapedPath),
        CelFunctionBinding.from("url_get_query", Url.class, Url::query));
  }

  private static Url parse(String text) throws CelEvaluationException {
    try {
      return Url.parse(text);
    } catch (IllegalArgumentException e) {
      throw FunctionErrors.invalidArgument(e.getMessage());
    }
  }

  private static CelFunctionDecl fn(String name, dev.cel.common.CelOverloadDecl... overloads) {
    return CelFunctionDecl.newFunctionDeclaration(name, overloads);
  }
}
