package io.wsproxy.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks Netty's native epoll transport where the platform has it and NIO elsewhere, and tells which
 * socket channel class fits a given event loop (so that an upstream can be dialled from the client's
 * own loop). Epoll is optional: its classes are only touched after {@link #EPOLL} said they load.
 *
 * <p><b>Threading.</b> Stateless; thread-safe.
 */
public final class Transports {

  private static final Logger log = LoggerFactory.getLogger(Transports.class);

  /** Whether the epoll classes are on the class path and the native library loads. */
  static final boolean EPOLL = epollAvailable();

  private Transports() {}

  private static boolean epollAvailable() {
    try {
      Class.forName("io.netty.channel.epoll.Epoll", false, Transports.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
    try {
      return EpollSupport.available();
    } catch (LinkageError e) {
      log.debug("epoll unavailable: {}", e.toString());
      return false;
    }
  }

  /** A new event loop group of {@code threads} daemon threads named {@code name-N}. */
  public static EventLoopGroup newGroup(int threads, String name) {
    IoHandlerFactory io = EPOLL ? EpollSupport.ioHandlerFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }

  /** The server socket channel class for a group made by {@link #newGroup}. */
  public static Class<? extends ServerChannel> serverChannelClass(EventLoopGroup group) {
    if (EPOLL && group instanceof IoEventLoopGroup io && EpollSupport.isEpoll(io)) {
      return EpollSupport.serverChannelClass();
    }
    return NioServerSocketChannel.class;
  }

  /**
   * The socket channel class that can be registered with {@code loop}, or {@code null} when the loop
   * is of a kind this module does not know (a host's io_uring or local transport).
   */
  public static Class<? extends Channel> socketChannelClass(EventLoop loop) {
    if (!(loop instanceof IoEventLoopGroup io)) {
      return null;
    }
    if (io.isIoType(NioIoHandler.class)) {
      return NioSocketChannel.class;
    }
    if (EPOLL && EpollSupport.isEpoll(io)) {
      return EpollSupport.socketChannelClass();
    }
    return null;
  }

  /**
   * A new unregistered socket channel of {@code type}, one {@link #socketChannelClass} named, for a
   * connection to {@code address}: made directly, where Netty's {@code Bootstrap} would look its
   * constructor up by reflection, and of the address's own family. A dual-stack IPv6 socket (what
   * either transport makes by default) reaches an IPv4 address too, but costs one more system call
   * ({@code setsockopt IPV6_V6ONLY}) per connection.
   */
  static Channel newSocketChannel(Class<? extends Channel> type, InetAddress address) {
    SocketProtocolFamily family = address instanceof Inet4Address
        ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    return type == NioSocketChannel.class
        ? new NioSocketChannel(SelectorProvider.provider(), family)
        : EpollSupport.newSocketChannel(family);
  }

  /** The socket channel class for a group made by {@link #newGroup}. */
  public static Class<? extends Channel> socketChannelClass(EventLoopGroup group) {
    return EPOLL && group instanceof IoEventLoopGroup io && EpollSupport.isEpoll(io)
        ? EpollSupport.socketChannelClass() : NioSocketChannel.class;
  }

  /**
   * The native socket of {@code ch} when it is an epoll channel, else {@code null}. Only once
   * {@link #EPOLL} holds.
   */
  static io.netty.channel.unix.Socket epollSocket(Channel ch) {
    return EpollSupport.socket(ch);
  }

  /** Every reference to an epoll class, loaded only once {@link #EPOLL} holds. */
  private static final class EpollSupport {
    static boolean available() {
      return io.netty.channel.epoll.Epoll.isAvailable();
    }

    static IoHandlerFactory ioHandlerFactory() {
      return io.netty.channel.epoll.EpollIoHandler.newFactory();
    }

    static boolean isEpoll(IoEventLoopGroup group) {
      return group.isIoType(io.netty.channel.epoll.EpollIoHandler.class);
    }

    static Class<? extends ServerChannel> serverChannelClass() {
      return io.netty.channel.epoll.EpollServerSocketChannel.class;
    }

    static Class<? extends Channel> socketChannelClass() {
      return io.netty.channel.epoll.EpollSocketChannel.class;
    }

    static Channel newSocketChannel(SocketProtocolFamily family) {
      return new io.netty.channel.epoll.EpollSocketChannel(family);
    }

    static io.netty.channel.unix.Socket socket(Channel ch) {
      // an epoll channel's descriptor is its LinuxSocket, a Socket (Netty 4.2); anything else: none
      return ch instanceof io.netty.channel.epoll.AbstractEpollStreamChannel epoll
          && epoll.fd() instanceof io.netty.channel.unix.Socket s ? s : null;
    }
  }
}
