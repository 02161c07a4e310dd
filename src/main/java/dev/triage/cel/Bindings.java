package dev.triage.cel;

import com.google.common.collect.ImmutableList;
import dev.cel.common.CelOptions;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelInternalRuntimeLibrary;
import dev.cel.runtime.RuntimeEquality;
import dev.cel.runtime.CelFunctionOverload;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every function implementation dev.cel's runtime would use for this environment, by overload
 * id: the standard functions and each runtime library's bindings. A call the compiled runtime
 * does not implement itself goes to the same implementation dev.cel's interpreter calls, chosen
 * among the checker's candidate overloads by the arguments' runtime types, as dev.cel chooses.
 */
public final class Bindings {
  private final Map<String, CelFunctionBinding> byOverload = new HashMap<>();

  private Bindings() {}

  /** The bindings given and those of each library, a later one replacing an earlier one of the same id. */
  @SafeVarargs
  public static Bindings of(List<CelRuntimeLibrary> libraries, RuntimeEquality equality, CelOptions options,
      Iterable<CelFunctionBinding>... given) {
    Bindings bindings = new Bindings();
    for (Iterable<CelFunctionBinding> some : given) {
      bindings.addAll(some);
    }
    for (CelRuntimeLibrary library : libraries) {
      if (library instanceof CelInternalRuntimeLibrary internal) {
        internal.setRuntimeOptions(bindings.recorder(), equality, options);
      } else {
        library.setRuntimeOptions(bindings.recorder());
      }
    }
    return bindings;
  }

  private void addAll(Iterable<CelFunctionBinding> bindings) {
    for (CelFunctionBinding binding : bindings) {
      byOverload.put(binding.getOverloadId(), binding);
    }
  }

  boolean has(String overloadId) {
    return byOverload.containsKey(overloadId);
  }

  /** A call among those of {@code overloadIds} that have an implementation. */
  Dispatch dispatch(String function, List<String> overloadIds) {
    List<CelFunctionBinding> candidates = new ArrayList<>();
    for (String id : overloadIds) {
      CelFunctionBinding binding = byOverload.get(id);
      if (binding != null) {
        candidates.add(binding);
      }
    }
    return new Dispatch(function, candidates.toArray(CelFunctionBinding[]::new), candidates.size() == overloadIds.size());
  }

  /** A builder that only records the function bindings a library adds. */
  @SuppressWarnings("unchecked")
  private CelRuntimeBuilder recorder() {
    return (CelRuntimeBuilder) Proxy.newProxyInstance(CelRuntimeBuilder.class.getClassLoader(),
        new Class<?>[] {CelRuntimeBuilder.class}, (proxy, method, args) -> {
          if (method.getName().equals("addFunctionBindings") && args != null && args.length == 1) {
            if (args[0] instanceof CelFunctionBinding[] array) {
              addAll(List.of(array));
            } else if (args[0] instanceof Iterable<?> iterable) {
              addAll((Iterable<CelFunctionBinding>) iterable);
            }
          }
          return method.getReturnType().isInstance(proxy) ? proxy : null;
        });
  }

  /** The candidate implementations of one call. */
  static final class Dispatch {
    private final String function;
    private final CelFunctionBinding[] candidates;
    private final ImmutableList<Class<?>>[] argTypes;
    /** Whether every overload the checker allowed has an implementation. */
    final boolean complete;

    @SuppressWarnings("unchecked")
    Dispatch(String function, CelFunctionBinding[] candidates, boolean complete) {
      this.function = function;
      this.candidates = candidates;
      this.complete = complete;
      this.argTypes = new ImmutableList[candidates.length];
      for (int i = 0; i < candidates.length; i++) {
        argTypes[i] = candidates[i].getArgTypes();
      }
    }

    Object call(Object[] args, long exprId) {
      for (int i = 0; i < candidates.length; i++) {
        if (CelFunctionOverload.canHandle(args, argTypes[i], candidates[i].isStrict())) {
          try {
            return candidates[i].getDefinition().apply(args);
          } catch (Exception e) {
            throw CelError.of(e, exprId);
          }
        }
      }
      throw CelError.noMatchingOverload(function, exprId);
    }
  }
}
