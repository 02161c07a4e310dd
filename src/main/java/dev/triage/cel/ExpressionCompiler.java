package dev.triage.cel;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.CelCall;
import dev.cel.common.ast.CelExpr.CelComprehension;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelKind;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.DefaultMetadata;
import dev.triage.cel.Bindings.Dispatch;
import dev.triage.cel.Functions.Fn1;
import dev.triage.cel.Functions.Fn2;
import dev.triage.cel.Nodes.Constant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a checked expression into a tree of {@link Node}s: names resolved to slots, overloads
 * to direct calls (dispatching on runtime types only where the checker left several
 * candidates), select chains fused, constant subtrees folded, constant regexes compiled once.
 * An expression with a part it cannot compile is refused ({@link Unsupported}); the caller then
 * evaluates it with dev.cel's interpreter.
 */
public final class ExpressionCompiler {
  private final Bindings bindings;
  private final Limits limits;
  private final int maxRegexProgramSize;

  public ExpressionCompiler(Bindings bindings, Limits limits, int maxRegexProgramSize) {
    this.bindings = bindings;
    this.limits = limits;
    this.maxRegexProgramSize = maxRegexProgramSize;
  }

  /** Why an expression is left to dev.cel's interpreter. */
  public static final class Unsupported extends Exception {
    Unsupported(String what) {
      super(what, null, false, false);
    }
  }

  public CompiledExpression compile(CelAbstractSyntaxTree ast) throws Unsupported {
    if (!ast.isChecked()) {
      throw new Unsupported("expression is not type-checked");
    }
    Planner planner = new Planner(ast);
    Node root = planner.plan(ast.getExpr());
    return new CompiledExpression(root, planner.slots, limits, new DefaultMetadata(ast));
  }

  /** The state of compiling one expression. */
  private final class Planner {
    private final CelAbstractSyntaxTree ast;
    private final Deque<Map<String, Integer>> scopes = new ArrayDeque<>();
    private final Map<String, Integer> globals = new HashMap<>();
    int slots;

    Planner(CelAbstractSyntaxTree ast) {
      this.ast = ast;
    }

    Node plan(CelExpr expr) throws Unsupported {
      return switch (expr.getKind()) {
        case CONSTANT -> new Constant(constant(expr.constant()));
        case IDENT -> ident(expr, expr.ident().name());
        case SELECT -> select(expr);
        case CALL -> call(expr, expr.call());
        case LIST -> list(expr);
        case MAP -> map(expr);
        case COMPREHENSION -> comprehension(expr, expr.comprehension());
        default -> throw new Unsupported(expr.getKind() + " expressions");
      };
    }

    private Object constant(CelConstant constant) throws Unsupported {
      return switch (constant.getKind()) {
        case NULL_VALUE -> NullValue.NULL_VALUE;
        case BOOLEAN_VALUE -> constant.booleanValue();
        case INT64_VALUE -> constant.int64Value();
        case UINT64_VALUE -> constant.uint64Value();
        case DOUBLE_VALUE -> constant.doubleValue();
        case STRING_VALUE -> constant.stringValue();
        case BYTES_VALUE -> constant.bytesValue();
        default -> throw new Unsupported("constant of kind " + constant.getKind());
      };
    }

    private Node ident(CelExpr expr, String name) throws Unsupported {
      Optional<CelReference> reference = ast.getReference(expr.id());
      if (reference.isPresent() && reference.get().value().isPresent()) {
        return new Constant(constant(reference.get().value().get()));
      }
      if (ast.getType(expr.id()).map(t -> t.kind() == CelKind.TYPE).orElse(false)) {
        throw new Unsupported("type values");
      }
      for (Map<String, Integer> scope : scopes) {
        Integer slot = scope.get(name);
        if (slot != null) {
          return new Nodes.Slot(slot);
        }
      }
      int slot = globals.computeIfAbsent(name, n -> slots++);
      return new Nodes.Global(name, slot, expr.id());
    }

    private Node select(CelExpr expr) throws Unsupported {
      Optional<CelReference> reference = ast.getReference(expr.id());
      if (reference.isPresent()) {
        return ident(expr, reference.get().name()); // a qualified name
      }
      var select = expr.select();
      if (select.testOnly()) {
        return new Nodes.Has(plan(select.operand()), select.field(), expr.id());
      }
      List<String> fields = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      CelExpr current = expr;
      while (current.getKind() == CelExpr.ExprKind.Kind.SELECT && !current.select().testOnly()
          && ast.getReference(current.id()).isEmpty()) {
        fields.add(0, current.select().field());
        ids.add(0, current.id());
        current = current.select().operand();
      }
      Node operand = plan(current);
      return new Nodes.Select(operand, fields.toArray(String[]::new), ids.stream().mapToLong(Long::longValue).toArray());
    }

    private Node list(CelExpr expr) throws Unsupported {
      var elements = expr.list().elements();
      Node[] nodes = new Node[elements.size()];
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = plan(elements.get(i));
      }
      boolean[] optional = null;
      if (!expr.list().optionalIndices().isEmpty()) {
        optional = new boolean[nodes.length];
        for (int index : expr.list().optionalIndices()) {
          optional[index] = true;
        }
      }
      // Built anew on every evaluation, constant or not: a mutation may put it into the object it patches.
      return new Nodes.ListLiteral(nodes, optional, expr.id());
    }

    private Node map(CelExpr expr) throws Unsupported {
      var entries = expr.map().entries();
      Node[] keys = new Node[entries.size()];
      Node[] values = new Node[entries.size()];
      long[] keyIds = new long[entries.size()];
      boolean[] optional = null;
      for (int i = 0; i < keys.length; i++) {
        keys[i] = plan(entries.get(i).key());
        values[i] = plan(entries.get(i).value());
        keyIds[i] = entries.get(i).key().id();
        if (entries.get(i).optionalEntry()) {
          optional = optional == null ? new boolean[keys.length] : optional;
          optional[i] = true;
        }
      }
      return new Nodes.MapLiteral(keys, values, optional, keyIds);
    }

    private Node comprehension(CelExpr expr, CelComprehension c) throws Unsupported {
      Node range = plan(c.iterRange());
      Node init = plan(c.accuInit());
      int iterSlot = slots++;
      int iter2Slot = c.iterVar2().isEmpty() ? -1 : slots++;
      int accuSlot = slots++;
      Map<String, Integer> loop = new HashMap<>();
      loop.put(c.accuVar(), accuSlot);
      loop.put(c.iterVar(), iterSlot);
      if (iter2Slot >= 0) {
        loop.put(c.iterVar2(), iter2Slot);
      }
      scopes.push(loop);
      Node condition;
      Node step;
      try {
        condition = plan(c.loopCondition());
        step = plan(c.loopStep());
      } finally {
        scopes.pop();
      }
      scopes.push(Map.of(c.accuVar(), accuSlot));
      Node result;
      try {
        result = plan(c.result());
      } finally {
        scopes.pop();
      }
      int bodySize = size(c.loopCondition()) + size(c.loopStep());
      return new Nodes.Comprehension(range, iterSlot, iter2Slot, accuSlot, init, condition, step, result, bodySize,
          expr.id(), c.iterRange().id());
    }

    private Node call(CelExpr expr, CelCall call) throws Unsupported {
      List<CelExpr> args = new ArrayList<>();
      call.target().ifPresent(args::add);
      args.addAll(call.args());
      List<String> overloads = ast.getReference(expr.id()).map(CelReference::overloadIds).orElse(null);
      if (overloads == null || overloads.isEmpty()) {
        throw new Unsupported("call to " + call.function() + " without a checked overload");
      }
      long id = expr.id();
      switch (overloads.get(0)) {
        case "conditional":
          return conditional(expr, args);
        case "logical_and":
          return new Nodes.Junction(plan(args.get(0)), plan(args.get(1)), Boolean.FALSE, id);
        case "logical_or":
          return new Nodes.Junction(plan(args.get(0)), plan(args.get(1)), Boolean.TRUE, id);
        case "logical_not":
          return fold(new Nodes.Not(plan(args.get(0)), id));
        case "not_strictly_false":
          return new Nodes.NotStrictlyFalse(plan(args.get(0)));
        case "select_optional_field":
          if (args.get(1).getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
            throw new Unsupported("optional field select with a computed field");
          }
          return new Nodes.OptionalSelect(plan(args.get(0)), args.get(1).constant().stringValue(), id);
        case "optional_or_optional":
          return new Optionals.Or(plan(args.get(0)), plan(args.get(1)), false, id);
        case "optional_orValue_value":
          return new Optionals.Or(plan(args.get(0)), plan(args.get(1)), true, id);
        case "type":
          throw new Unsupported("type()");
        default:
          break;
      }
      Dispatch dispatch = bindings.dispatch(call.function(), overloads);
      Node[] nodes = new Node[args.size()];
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = plan(args.get(i));
      }
      Node nativeCall = nativeCall(call.function(), args, nodes, dispatch, id);
      if (nativeCall != null) {
        return fold(nativeCall);
      }
      if (!dispatch.complete) {
        throw new Unsupported("function " + call.function() + " (" + String.join(", ", overloads) + ")");
      }
      return fold(new Calls.Bound(dispatch, nodes, id));
    }

    /** {@code has()} on a value that may not be a map reads the operand once. */
    private Node conditional(CelExpr expr, List<CelExpr> args) throws Unsupported {
      CelExpr test = args.get(0);
      CelExpr then = args.get(1);
      if (test.getKind() == CelExpr.ExprKind.Kind.CALL && test.call().function().equals(NullSafeHas.IS_CONTAINER)
          && then.getKind() == CelExpr.ExprKind.Kind.SELECT && then.select().testOnly()
          && then.select().operand().equals(test.call().args().get(0))
          && args.get(2).getKind() == CelExpr.ExprKind.Kind.CONSTANT
          && args.get(2).constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE
          && !args.get(2).constant().booleanValue()) {
        return new Optionals.NullSafeHas(plan(then.select().operand()), then.select().field(), then.id());
      }
      Node condition = plan(test);
      Node yes = plan(then);
      Node no = plan(args.get(2));
      if (condition instanceof Constant constant && constant.value() instanceof Boolean b) {
        return b ? yes : no;
      }
      return new Nodes.Conditional(condition, yes, no, expr.id());
    }

    /** A native implementation of a standard function, or null. */
    private Node nativeCall(String function, List<CelExpr> args, Node[] nodes, Dispatch dispatch, long id) {
      if (nodes.length == 1) {
        Fn1 fn = switch (function) {
          case "-_" -> Standard::negate;
          case "size" -> Standard::size;
          case "string" -> Standard::string;
          case "int" -> Standard::toInt;
          case "dyn" -> Standard::identity;
          case NullSafeHas.IS_CONTAINER -> value -> value instanceof Map<?, ?>;
          default -> null;
        };
        return fn == null ? null : new Calls.Unary(fn, nodes[0], dispatch, id);
      }
      if (nodes.length != 2) {
        return null;
      }
      if (function.equals("matches") && nodes[1] instanceof Constant constant
          && constant.value() instanceof String regex) {
        Pattern pattern = pattern(regex);
        if (pattern != null) {
          LiteralPattern literal = LiteralPattern.of(regex);
          return new Calls.Unary(literal != null ? Standard.matches(literal) : Standard.matches(pattern), nodes[0],
              dispatch, id);
        }
      }
      if (function.equals("@in") && nodes[1] instanceof Nodes.ListLiteral list && list.optional() == null
          && Arrays.stream(list.elements()).allMatch(e -> e instanceof Constant c && c.value() instanceof String)) {
        List<String> strings = new ArrayList<>();
        for (Node element : list.elements()) {
          strings.add((String) ((Constant) element).value());
        }
        return new Calls.Unary(Standard.inStrings(new HashSet<>(strings), List.copyOf(strings)), nodes[0], dispatch,
            id);
      }
      Fn2 fn = switch (function) {
        case "_+_" -> Standard::add;
        case "_-_" -> Standard::subtract;
        case "_*_" -> Standard::multiply;
        case "_/_" -> Standard::divide;
        case "_%_" -> Standard::modulo;
        case "_==_" -> Standard::equal;
        case "_!=_" -> Standard::notEqual;
        case "_<_" -> Standard::less;
        case "_<=_" -> Standard::lessOrEqual;
        case "_>_" -> Standard::greater;
        case "_>=_" -> Standard::greaterOrEqual;
        case "@in" -> Standard::in;
        case "_[_]" -> Standard::index;
        case "_[?_]" -> Standard::optionalIndex;
        case "contains" -> Standard::contains;
        case "startsWith" -> Standard::startsWith;
        case "endsWith" -> Standard::endsWith;
        default -> null;
      };
      return fn == null ? null : new Calls.Binary(fn, nodes[0], nodes[1], dispatch, id);
    }

    private Pattern pattern(String regex) {
      try {
        Pattern pattern = RegexFunctions.PATTERNS.get(regex);
        return maxRegexProgramSize < 0 || pattern.programSize() <= maxRegexProgramSize ? pattern : null;
      } catch (PatternSyntaxException e) {
        return null; // the call reports it when it runs, as dev.cel does
      }
    }

    /** Evaluates a node whose inputs are all constants once, now; one that fails is kept, to fail when run. */
    private Node fold(Node node) {
      if (!constantInputs(node)) {
        return node;
      }
      try {
        Object value = node.eval(new Frame(null, 0, limits, Long.MAX_VALUE));
        return immutable(value) ? new Constant(value) : node;
      } catch (RuntimeException e) {
        return node;
      }
    }

    /** Only values no one can change are shared between evaluations. */
    private boolean immutable(Object value) {
      return value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean
          || value instanceof NullValue || value instanceof com.google.common.primitives.UnsignedLong
          || value instanceof dev.cel.common.values.CelByteString || value instanceof Quantity
          || value instanceof IpAddress || value instanceof Cidr;
    }

    private boolean constantInputs(Node node) {
      if (node instanceof Calls.Unary u) {
        return u.arg() instanceof Constant;
      }
      if (node instanceof Calls.Binary b) {
        return b.left() instanceof Constant && b.right() instanceof Constant;
      }
      if (node instanceof Calls.Bound b) {
        for (Node arg : b.args()) {
          if (!(arg instanceof Constant)) {
            return false;
          }
        }
        return true;
      }
      if (node instanceof Nodes.Not n) {
        return n.operand() instanceof Constant;
      }
      return false;
    }

    private int size(CelExpr expr) {
      int[] count = {0};
      dev.cel.common.navigation.CelNavigableExpr.fromExpr(expr).allNodes().forEach(n -> count[0]++);
      return count[0];
    }
  }
}
