package dev.triage.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.admission.AdmissionRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An expression that fails on a value must not repeat the value in the denial: CEL and Java put
 * the offending input in their messages, and under failurePolicy: Fail that message reaches
 * kubectl, the apiserver's audit log and whoever reads either.
 */
class EvaluationErrorTest {
  private static final String SECRET = "hunter2-patient-0042";
  private static final String ENV_SECRET = "postgres://ehr:pa55word@db";
  private static final AdmissionRequest POD = Requests.create("{apiVersion: v1, kind: Pod, metadata: {name: a,"
      + " annotations: {pw: '" + SECRET + "'}}, spec: {containers: [{name: c, env: [{name: DB, value: '"
      + ENV_SECRET + "'}]}]}}");

  private static String denial(String expression) {
    String rules = Rules.policy("p", "validations:\n- expression: \"" + expression.replace("\"", "\\\"") + "\"");
    Decision decision = Rules.validate(rules, POD);
    assertFalse(decision.response().allowed(), "an erroring validation under failurePolicy: Fail denies");
    return decision.response().message();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "int(object.metadata.annotations.pw) > 0",
      "double(object.metadata.annotations.pw) > 0.0",
      "timestamp(object.metadata.annotations.pw) > timestamp('2020-01-01T00:00:00Z')",
      "bool(object.metadata.annotations.pw)",
      "quantity(object.metadata.annotations.pw).isLessThan(quantity('1'))",
      "url(object.metadata.annotations.pw).getHost() == 'a'",
      "ip(object.metadata.annotations.pw).family() == 4",
      "cidr(object.metadata.annotations.pw).prefixLength() == 4",
      "object.metadata.annotations[object.metadata.annotations.pw] == 'x'",
      "{object.metadata.annotations.pw: 1, object.metadata.annotations.pw: 2}.size() == 1",
      "'x'.matches(object.metadata.annotations.pw + '(')",
      "object.spec.containers[0].env.all(e, int(e.value) > 0)",
      "object.spec.containers[0].env.all(e, object.metadata.annotations[e.value] == '')",
      "int('prefix-' + object.metadata.annotations.pw) > 0",
  })
  void denialsNameTheErrorButNotTheValue(String expression) {
    String message = denial(expression);
    assertTrue(message.startsWith("p: validations[0]: "), message);
    assertFalse(message.contains(SECRET) || message.contains("hunter2"), message);
    assertFalse(message.contains(ENV_SECRET) || message.contains("pa55word"), message);
  }

  @Test
  void keepsWhatTheRuleItselfSays() {
    assertEquals("p: validations[0]: evaluation error at <input>:27: key 'owner' is not present in map.",
        denial("object.metadata.annotations.owner == 'x'"));
    assertTrue(denial("object.metadata.annotations.pw.matches('(')").contains("missing closing ): `(`"));
    assertTrue(denial("bool(object.metadata.annotations.pw)").contains("from 'string' to 'bool'"));
  }

  @Test
  void variablesFailWithoutTheValueToo() {
    String rules = Rules.policy("p", """
        variables:
        - name: port
          expression: int(object.metadata.annotations.pw)
        validations:
        - expression: variables.port > 0
        """);
    String message = Rules.validate(rules, POD).response().message();
    assertTrue(message.contains("variables.port"), message);
    assertFalse(message.contains("hunter2"), message);
  }
}
