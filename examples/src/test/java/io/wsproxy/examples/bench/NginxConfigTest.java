package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NginxConfigTest {

  private static final Path DIR = Path.of("/tmp/bench-dir");
  private final String conf = NginxConfig.render(DIR, 18080, 19001, 4500);

  @Test
  void listensOnLoopbackAndProxiesUpgradesToTheBackend() {
    assertTrue(conf.contains("listen 127.0.0.1:18080;"), conf);
    assertTrue(conf.contains("proxy_pass http://127.0.0.1:19001;"), conf);
    assertTrue(conf.contains("proxy_http_version 1.1;"), conf);
    assertTrue(conf.contains("proxy_set_header Upgrade $http_upgrade;"), conf);
    assertTrue(conf.contains("proxy_set_header Connection $connection_upgrade;"), conf);
  }

  @Test
  void runsOneWorkerWithItsDefaultAccessLogAndEveryFileInTheBenchDirectory() {
    assertTrue(conf.contains("worker_processes 1;"), conf);
    assertTrue(conf.contains("access_log /tmp/bench-dir/access.log;"), conf);
    assertTrue(conf.contains("worker_connections 4500;"), conf);
    for (String directive : new String[] {"pid", "error_log", "access_log", "client_body_temp_path",
        "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"}) {
      assertTrue(conf.contains(directive + " /tmp/bench-dir/"), directive + " in " + conf);
    }
    assertFalse(conf.contains("/var/"), "nothing of the system's nginx: " + conf);
    assertTrue(conf.lines().noneMatch(l -> l.trim().startsWith("daemon")),
        "daemon off is given on the command line: " + conf);
  }

  @Test
  void theWorkersDescriptorLimitCoversItsConnectionsButStaysUnderTheHardLimit() {
    assertTrue(conf.contains("worker_rlimit_nofile 9064;"), conf);
    String capped = NginxConfig.render(DIR, 18080, 19001, 20_000, 20_000);
    assertTrue(capped.contains("worker_connections 20000;"), capped);
    assertTrue(capped.contains("worker_rlimit_nofile 20000;"), capped);
    assertThrows(IllegalArgumentException.class,
        () -> NginxConfig.render(DIR, 18080, 19001, 100, 10));
  }

  @Test
  void heldConnectionsLeaveNginxMoreThanASixteenthOfItsConnectionsFree() {
    int held = 9_800;
    int workerConnections = NginxConfig.workerConnections(held, 16);
    assertTrue(workerConnections - 2 * held > workerConnections / 16, "" + workerConnections);
  }

  @Test
  void bracesBalance() {
    assertEquals(conf.chars().filter(c -> c == '{').count(),
        conf.chars().filter(c -> c == '}').count(), conf);
  }

  @Test
  void badPortsAndTooFewConnectionsAreRefusedNamingTheParameter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NginxConfig.render(DIR, 0, 19001, 100));
    assertTrue(e.getMessage().startsWith("listenPort"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> NginxConfig.render(DIR, 18080, 70000, 100));
    assertTrue(e.getMessage().startsWith("backendPort"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> NginxConfig.render(DIR, 18080, 19001, 1));
    assertTrue(e.getMessage().startsWith("workerConnections"), e.getMessage());
  }
}
