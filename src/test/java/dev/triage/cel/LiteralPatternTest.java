package dev.triage.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Literal alternatives are searched as strings, and answer exactly as RE2 does. */
class LiteralPatternTest {
  private static final List<String> LITERAL = List.of("PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL",
      "_(FILE|PATH|DIR)$", "^vault:", "^web\\.example$", "", "a|", "^$", "x(?:ab|c)y", "^(a|b)", "é|ü");
  private static final List<String> NOT_LITERAL = List.of("^0+%?$", "://[^/:@\\s]+:[^/@\\s]+@", "a.b", "(a)(b)",
      "\\d+", "(?i)token", "a{2}", "((a))");
  private static final List<String> INPUTS = List.of("", "DB_PASSWORD", "PASSWORD_FILE", "API_TOKEN", "token",
      "CONFIG_PATH", "vault:secret#key", "xvault:", "web.example", "webXexample", "a", "b", "xaby", "xcy", "xy", "é",
      "üé", "CREDENTIALS_DIR", "SECRETS");

  @Test
  void literalPatternsFindWhatRe2Finds() {
    for (String regex : LITERAL) {
      LiteralPattern literal = LiteralPattern.of(regex);
      assertNotNull(literal, regex);
      Pattern re2 = Pattern.compile(regex);
      for (String input : INPUTS) {
        assertEquals(re2.matcher(input).find(), literal.find(input), regex + " on " + input);
      }
    }
  }

  @Test
  void everyOtherPatternIsLeftToRe2() {
    for (String regex : NOT_LITERAL) {
      assertNull(LiteralPattern.of(regex), regex);
    }
  }
}
