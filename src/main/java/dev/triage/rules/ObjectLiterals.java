package dev.triage.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelMutableAst;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelMutableExpr;
import dev.cel.common.ast.CelMutableExpr.CelMutableMap;
import dev.cel.common.ast.CelMutableExpr.CelMutableStruct;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutating policies build values with typed literals: {@code Object{spec: Object.spec{...}}}
 * and {@code JSONPatch{op: 'add', path: ..., value: ...}}. Objects here are plain maps, so
 * every struct literal is rewritten into the map literal with the same fields before checking.
 */
final class ObjectLiterals {
  private long nextId;

  private ObjectLiterals(long firstFreeId) {
    this.nextId = firstFreeId;
  }

  static CelAbstractSyntaxTree toMaps(CelAbstractSyntaxTree parsed) {
    CelMutableAst ast = CelMutableAst.fromCelAst(parsed);
    long maxId = maxId(ast.expr());
    new ObjectLiterals(maxId + 1).rewrite(ast.expr());
    return ast.toParsedAst();
  }

  private void rewrite(CelMutableExpr expr) {
    for (CelMutableExpr child : children(expr)) {
      rewrite(child);
    }
    if (expr.getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.STRUCT) {
      CelMutableStruct struct = expr.struct();
      List<CelMutableMap.Entry> entries = new ArrayList<>();
      for (CelMutableStruct.Entry field : struct.entries()) {
        CelMutableExpr key = CelMutableExpr.ofConstant(nextId++, CelConstant.ofValue(field.fieldKey()));
        entries.add(CelMutableMap.Entry.create(field.id(), key, field.value(), field.optionalEntry()));
      }
      expr.setMap(CelMutableMap.create(entries));
    }
  }

  private static long maxId(CelMutableExpr expr) {
    long max = expr.id();
    for (CelMutableExpr child : children(expr)) {
      max = Math.max(max, maxId(child));
    }
    if (expr.getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.STRUCT) {
      for (CelMutableStruct.Entry entry : expr.struct().entries()) {
        max = Math.max(max, entry.id());
      }
    }
    return max;
  }

  private static List<CelMutableExpr> children(CelMutableExpr expr) {
    List<CelMutableExpr> out = new ArrayList<>();
    switch (expr.getKind()) {
      case SELECT -> out.add(expr.select().operand());
      case CALL -> {
        expr.call().target().ifPresent(out::add);
        out.addAll(expr.call().args());
      }
      case LIST -> out.addAll(expr.list().elements());
      case STRUCT -> expr.struct().entries().forEach(e -> out.add(e.value()));
      case MAP -> expr.map().entries().forEach(e -> {
        out.add(e.key());
        out.add(e.value());
      });
      case COMPREHENSION -> {
        var c = expr.comprehension();
        out.add(c.iterRange());
        out.add(c.accuInit());
        out.add(c.loopCondition());
        out.add(c.loopStep());
        out.add(c.result());
      }
      default -> { }
    }
    return out;
  }
}
