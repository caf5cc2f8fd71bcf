package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProcessDefaultsTest {

  private String before;

  @BeforeEach
  void remember() {
    before = System.getProperty(ProcessDefaults.LEAK_DETECTION);
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(ProcessDefaults.LEAK_DETECTION);
    } else {
      System.setProperty(ProcessDefaults.LEAK_DETECTION, before);
    }
  }

  @Test
  void turnsNettysLeakDetectorOffWhenNobodySaidOtherwise() {
    System.clearProperty(ProcessDefaults.LEAK_DETECTION);
    ProcessDefaults.apply();
    assertEquals("disabled", System.getProperty(ProcessDefaults.LEAK_DETECTION));
  }

  @Test
  void aLevelGivenOnTheCommandLineWins() {
    System.setProperty(ProcessDefaults.LEAK_DETECTION, "paranoid");
    ProcessDefaults.apply();
    assertEquals("paranoid", System.getProperty(ProcessDefaults.LEAK_DETECTION));
  }
}
