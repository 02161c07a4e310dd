package dev.triage.rules;

import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import dev.triage.admission.AdmissionRequest;
import dev.triage.cel.BudgetExceeded;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The names an expression of one policy sees for one request: {@code object},
 * {@code oldObject}, {@code request}, {@code params}, {@code namespaceObject} and
 * {@code variables}. Variables are computed on first use and remembered, as in Kubernetes,
 * so an error in a variable surfaces only in an expression that reads it.
 */
final class Activation implements CelVariableResolver {
  private final AdmissionRequest request;
  private final Object object;
  private final Object params;
  private final Object namespaceObject;
  private final Variables variables;
  private final Map<String, Object> cluster;
  private final long deadlineNanos;

  /** @param object what {@code object} is: the request's object as mutated so far */
  Activation(AdmissionRequest request, Object object, Object params, Object namespaceObject,
      Map<String, Object> cluster, List<NamedExpression> declared, long deadlineNanos) {
    this.request = request;
    this.cluster = cluster;
    this.object = object;
    this.deadlineNanos = deadlineNanos;
    this.params = orNull(params);
    this.namespaceObject = orNull(namespaceObject);
    this.variables = new Variables(declared);
  }

  /** Evaluates one of the policy's expressions against these names. */
  Object eval(Expression expression) throws EvaluationError {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new EvaluationError("not evaluated: the review's deadline passed");
    }
    try {
      return expression.eval(this, deadlineNanos);
    } catch (CelEvaluationException | RuntimeException | BudgetExceeded e) {
      throw EvaluationError.of(e, expression.text());
    }
  }

  @Override
  public Optional<Object> find(String name) {
    return Optional.ofNullable(switch (name) {
      case "object" -> orNull(object);
      case "oldObject" -> orNull(request.oldObject());
      case "request" -> requestVariable();
      case "params" -> params;
      case "namespaceObject" -> namespaceObject;
      case "variables" -> variables;
      case "cluster" -> cluster;
      default -> null;
    });
  }

  private RequestVariable requestVariable;

  /** Made on first read: most policies never read {@code request}. */
  private RequestVariable requestVariable() {
    if (requestVariable == null) {
      requestVariable = new RequestVariable(request.raw());
    }
    return requestVariable;
  }

  private static Object orNull(Object value) {
    return value == null ? NullValue.NULL_VALUE : value;
  }

  /** Thrown out of a variable lookup; CEL treats it as an error value, so {@code ||} and {@code &&} can absorb it. */
  static final class VariableException extends IllegalStateException {
    VariableException(String name, String message) {
      super("variables." + name + ": " + message);
    }
  }

  /** In {@link Variables}: the variable is being computed. */
  private static final Object COMPUTING = new Object();

  private final class Variables extends AbstractMap<String, Object> {
    private final List<NamedExpression> declared;
    private final Map<String, Object> values = new HashMap<>(4);

    Variables(List<NamedExpression> declared) {
      this.declared = declared;
    }

    @Override
    public boolean containsKey(Object key) {
      for (NamedExpression variable : declared) {
        if (variable.name().equals(key)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Object get(Object key) {
      Object known = values.get(key);
      if (known != null) {
        if (known == COMPUTING) {
          throw new VariableException((String) key, "is defined in terms of itself");
        }
        if (known instanceof VariableException failure) {
          throw failure;
        }
        return known;
      }
      for (NamedExpression variable : declared) {
        if (variable.name().equals(key)) {
          Object value;
          // Marks the variable as being computed, so a cycle through it is an error rather than a stack
          // overflow. A plain marker: building the cycle error up front filled in two stack traces per
          // variable per review, about a tenth of a review's time.
          values.put(variable.name(), COMPUTING);
          try {
            value = variable.expression().eval(Activation.this, deadlineNanos);
          } catch (BudgetExceeded e) {
            values.remove(variable.name());
            throw e; // ends the whole evaluation, not just this variable
          } catch (CelEvaluationException | RuntimeException e) {
            value = e instanceof VariableException v ? v
                : new VariableException(variable.name(), EvaluationError.describe(e, variable.expression().text()));
          }
          values.put(variable.name(), value);
          return get(key);
        }
      }
      return null;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      // Only reached by whole-map operations (printing variables); evaluate everything then.
      Map<String, Object> all = new HashMap<>();
      for (NamedExpression variable : declared) {
        try {
          all.put(variable.name(), get(variable.name()));
        } catch (VariableException e) {
          // an erroring variable is left out of a whole-map view
        }
      }
      return all.entrySet();
    }
  }
}
