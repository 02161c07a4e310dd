package dev.triage.cel;

import dev.triage.cel.Bindings.Dispatch;
import dev.triage.cel.Functions.Fn1;
import dev.triage.cel.Functions.Fn2;

/**
 * Function calls, resolved when the expression is compiled: a native implementation where the
 * runtime has one, which leaves argument types it does not handle ({@link Functions#UNHANDLED})
 * to dev.cel's implementation of the same overloads.
 */
final class Calls {
  private Calls() {}

  record Unary(Fn1 fn, Node arg, Dispatch fallback, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object a = arg.eval(frame);
      Object result;
      try {
        result = fn.apply(a);
      } catch (RuntimeException e) {
        throw CelError.of(e, id);
      }
      return result != Functions.UNHANDLED ? result : fallback.call(new Object[] {a}, id);
    }
  }

  record Binary(Fn2 fn, Node left, Node right, Dispatch fallback, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object a = left.eval(frame);
      Object b = right.eval(frame);
      Object result;
      try {
        result = fn.apply(a, b);
      } catch (RuntimeException e) {
        throw CelError.of(e, id);
      }
      return result != Functions.UNHANDLED ? result : fallback.call(new Object[] {a, b}, id);
    }
  }

  /** A call to dev.cel's implementation of the overloads the checker allowed. */
  record Bound(Dispatch dispatch, Node[] args, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object[] values = new Object[args.length];
      for (int i = 0; i < args.length; i++) {
        values[i] = args[i].eval(frame);
      }
      return dispatch.call(values, id);
    }
  }
}
