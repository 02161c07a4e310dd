package dev.triage.rules.mutation;

/**
 * One RFC 6902 operation.
 *
 * @param value the value for add/replace/test; unused (null) for remove
 */
public record PatchOp(String op, String path, Object value) {
  /** "add /spec/template/metadata/labels/sidecar.istio.io~1inject", for warnings. */
  public String describe() {
    return op + " " + path;
  }
}
