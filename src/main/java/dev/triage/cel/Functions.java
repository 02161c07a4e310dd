package dev.triage.cel;

/** A function implementation the compiler bound a call to; it may throw {@link CelError}. */
final class Functions {
  private Functions() {}

  /** Returned by a native implementation for argument types it leaves to dev.cel's bindings. */
  static final Object UNHANDLED = new Object() {
    @Override
    public String toString() {
      return "unhandled";
    }
  };

  interface Fn1 {
    Object apply(Object a);
  }

  interface Fn2 {
    Object apply(Object a, Object b);
  }

  interface FnN {
    Object apply(Object[] args);
  }
}
