/**
 * The libc calls of the process models, through java.lang.foreign: exported to the process models,
 * to the command line (which takes systemd's sockets and speaks sd_notify before any model starts)
 * and to the load generator (its plaintext loops' sockets and epoll), so no other module can
 * compile against it. Running on the module path, native access is
 * granted with {@code --enable-native-access=dev.turnstile.posix}; on the class path with
 * {@code ALL-UNNAMED}.
 */
module dev.turnstile.posix {
    requires dev.turnstile.core;

    exports dev.turnstile.posix to dev.turnstile.process, dev.turnstile.cli, dev.turnstile.loadgen;

    // seals listening sockets for every model's stop (found by core through ServiceLoader)
    provides dev.turnstile.core.ListenerSeal with dev.turnstile.posix.SocketFilterSeal;
}
