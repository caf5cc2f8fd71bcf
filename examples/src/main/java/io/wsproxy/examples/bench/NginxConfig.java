package io.wsproxy.examples.bench;

import java.nio.file.Path;

/**
 * The nginx configuration the bench runs nginx with: one worker, WebSocket upgrades proxied to the
 * bench's echo backend, its default access log on (one line per connection in the combined format,
 * as ws-proxy's CLI logs one line per connection by default: each proxy as it runs out of the box),
 * every file (pid, temp paths, logs) inside the bench's temporary directory so nothing of the
 * system's nginx is touched. Pure.
 */
public final class NginxConfig {

  private NginxConfig() {}

  /**
   * The {@code worker_connections} for holding {@code held} proxied connections at once (and
   * {@code echoConnections} of the echo phases): two connections each, plus slack, plus an eighth.
   * Once fewer than a sixteenth of its connections are free, nginx starts closing those still
   * waiting for their request head ("worker_connections are not enough, reusing connections"),
   * which resets clients mid-upgrade: 226 of 9,800 held failed so without the eighth.
   */
  public static int workerConnections(int held, int echoConnections) {
    int needed = 2 * held + 2 * echoConnections + 256;
    return needed + needed / 8;
  }

  /** {@link #render(Path, int, int, int, long)} with no hard descriptor limit to stay under. */
  public static String render(Path dir, int listenPort, int backendPort, int workerConnections) {
    return render(dir, listenPort, backendPort, workerConnections, Long.MAX_VALUE);
  }

  /**
   * Renders {@code nginx.conf}.
   *
   * @param dir               the prefix directory (given to nginx as {@code -p})
   * @param listenPort        the 127.0.0.1 port nginx listens on
   * @param backendPort       the 127.0.0.1 port of the echo backend
   * @param workerConnections nginx's per-worker connection limit (each proxied connection uses two)
   * @param hardFileLimit     the hard {@code Max open files} nginx inherits: its worker's
   *                          descriptor limit ({@code worker_rlimit_nofile}) is raised to what its
   *                          connections need but not above this, which an unprivileged nginx
   *                          could not set (it would only log an alert)
   */
  public static String render(Path dir, int listenPort, int backendPort, int workerConnections,
      long hardFileLimit) {
    if (listenPort <= 0 || listenPort > 65535) {
      throw new IllegalArgumentException("listenPort must be 1..65535: " + listenPort);
    }
    if (backendPort <= 0 || backendPort > 65535) {
      throw new IllegalArgumentException("backendPort must be 1..65535: " + backendPort);
    }
    if (workerConnections < 16) {
      throw new IllegalArgumentException("workerConnections must be at least 16: "
          + workerConnections);
    }
    if (hardFileLimit < 64) {
      throw new IllegalArgumentException("hardFileLimit must be at least 64: " + hardFileLimit);
    }
    String d = dir.toAbsolutePath().toString();
    long fileLimit = Math.min(hardFileLimit, 2L * workerConnections + 64);
    return """
        # written by ws-proxy bench; run as: nginx -p DIR -c nginx.conf -g 'daemon off;'
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log error;
        worker_rlimit_nofile %4$d;

        events {
            worker_connections %3$d;
        }

        http {
            access_log %1$s/access.log;
            client_body_temp_path %1$s/client_body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;

            map $http_upgrade $connection_upgrade {
                default upgrade;
                ''      close;
            }

            server {
                listen 127.0.0.1:%2$d;
                location / {
                    proxy_pass http://127.0.0.1:%5$d;
                    proxy_http_version 1.1;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection $connection_upgrade;
                    proxy_set_header Host $host;
                    proxy_read_timeout 3600s;
                    proxy_send_timeout 3600s;
                }
            }
        }
        """.formatted(d, listenPort, workerConnections, fileLimit, backendPort);
  }
}
