package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProcessDefaultsTest {

  private static final String[] NAMES = {ProcessDefaults.LEAK_DETECTION,
      ProcessDefaults.CHECK_ACCESSIBLE, ProcessDefaults.CHECK_ACCESSIBLE_LEGACY};
  private final String[] before = new String[NAMES.length];

  @BeforeEach
  void remember() {
    for (int i = 0; i < NAMES.length; i++) {
      before[i] = System.getProperty(NAMES[i]);
      System.clearProperty(NAMES[i]);
    }
  }

  @AfterEach
  void restore() {
    for (int i = 0; i < NAMES.length; i++) {
      if (before[i] == null) {
        System.clearProperty(NAMES[i]);
      } else {
        System.setProperty(NAMES[i], before[i]);
      }
    }
  }

  @Test
  void turnsNettysLeakDetectorOffWhenNobodySaidOtherwise() {
    System.clearProperty(ProcessDefaults.LEAK_DETECTION);
    ProcessDefaults.apply();
    assertEquals("disabled", System.getProperty(ProcessDefaults.LEAK_DETECTION));
  }

  @Test
  void turnsNettysReleasedBufferCheckOffWhenNobodySaidOtherwise() {
    ProcessDefaults.apply();
    assertEquals("false", System.getProperty(ProcessDefaults.CHECK_ACCESSIBLE));
  }

  @Test
  void aReleasedBufferCheckAskedForUnderEitherNameStaysOn() {
    System.setProperty(ProcessDefaults.CHECK_ACCESSIBLE, "true");
    ProcessDefaults.apply();
    assertEquals("true", System.getProperty(ProcessDefaults.CHECK_ACCESSIBLE));
    System.clearProperty(ProcessDefaults.CHECK_ACCESSIBLE);
    System.setProperty(ProcessDefaults.CHECK_ACCESSIBLE_LEGACY, "true");
    ProcessDefaults.apply();
    assertNull(System.getProperty(ProcessDefaults.CHECK_ACCESSIBLE)); // Netty reads the legacy one
  }

  @Test
  void aLevelGivenOnTheCommandLineWins() {
    System.setProperty(ProcessDefaults.LEAK_DETECTION, "paranoid");
    ProcessDefaults.apply();
    assertEquals("paranoid", System.getProperty(ProcessDefaults.LEAK_DETECTION));
  }
}
