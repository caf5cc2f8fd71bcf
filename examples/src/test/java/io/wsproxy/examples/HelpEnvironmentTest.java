package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --help} of every command names the environment variable of every flag it parses, and
 * documents exactly the flags it parses, so the help, the parser and the variables cannot drift.
 */
class HelpEnvironmentTest {

  private static final Pattern FLAG_IN_USAGE = Pattern.compile("(?<![\\w'-])--([a-z][a-z0-9-]*)");
  /** A flag's own row starts near the margin; deeper lines continue a description. */
  private static final String ROW = "^ {1,4}--";
  private static final Set<String> ALWAYS = Set.of("help", "version");

  static Stream<Command> commands() {
    return Main.commands().stream();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpNamesTheVariableOfEveryFlagTheCommandParses(Command command) {
    String help = Cli.run(command.name(), "--help").out();
    Set<String> flags = new TreeSet<>(command.valueFlags());
    flags.addAll(command.switches());
    for (String flag : flags) {
      Pattern row = Pattern.compile("(?m)^ +--" + Pattern.quote(flag) + " +"
          + Pattern.quote(Args.envName(flag)) + "$");
      assertTrue(row.matcher(help).find(), () -> command.name() + ": no '--" + flag + "  "
          + Args.envName(flag) + "' row in:\n" + help);
    }
    if (flags.isEmpty()) {
      assertFalse(help.contains("WS_PROXY_"), help);
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void usageDocumentsExactlyTheFlagsTheCommandParses(Command command) {
    Set<String> documented = new TreeSet<>();
    Matcher m = FLAG_IN_USAGE.matcher(command.usage());
    while (m.find()) {
      documented.add(m.group(1));
    }
    documented.removeAll(ALWAYS);
    Set<String> parsed = new TreeSet<>(command.valueFlags());
    parsed.addAll(command.switches());
    assertEquals(parsed, documented, command.name());
  }

  @ParameterizedTest
  @MethodSource("commands")
  void eachFlagIsDescribedOnce(Command command) {
    for (String flag : command.valueFlags()) {
      long rows = command.usage().lines().filter(l -> l.matches(ROW + Pattern.quote(flag)
          + "(\\s.*|$)")).count();
      assertEquals(1, rows, command.name() + " --" + flag);
    }
  }
}
