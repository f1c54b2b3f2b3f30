/** The turnstile command. Exports nothing; picocli reads the commands reflectively. */
module dev.turnstile.cli {
    requires dev.turnstile.admin;
    requires dev.turnstile.bench;
    requires dev.turnstile.core;
    requires dev.turnstile.loadgen;
    requires dev.turnstile.posix;
    requires dev.turnstile.process;
    requires info.picocli;
    requires java.net.http;
    requires jdk.unsupported;

    opens dev.turnstile.cli to info.picocli;
}
