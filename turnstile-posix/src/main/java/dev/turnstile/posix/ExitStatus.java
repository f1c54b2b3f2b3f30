package dev.turnstile.posix;

/**
 * How a child process ended, decoded from {@code waitpid}'s status: either it exited with a code,
 * or a signal killed it.
 *
 * @param code       the exit code (0 to 255) when it exited; -1 when killed by a signal
 * @param signal     the signal number that killed it; 0 when it exited
 * @param coreDumped it was killed and left a core dump
 */
public record ExitStatus(int code, int signal, boolean coreDumped) {

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0, false);
    }

    public static ExitStatus killed(Signal signal) {
        return new ExitStatus(-1, signal.number(), false);
    }

    /** Decodes a raw {@code wstatus} as the W* macros of glibc do. */
    static ExitStatus decode(int wstatus) {
        int termsig = wstatus & 0x7f;
        if (termsig == 0) {
            return exited((wstatus >> 8) & 0xff);
        }
        return new ExitStatus(-1, termsig, (wstatus & 0x80) != 0);
    }

    /** True if it exited by itself with code 0. */
    public boolean success() {
        return signal == 0 && code == 0;
    }

    public boolean killedBy(Signal s) {
        return signal == s.number();
    }

    /** {@code exited with code 3} or {@code killed by SIGKILL}, for logs. */
    @Override
    public String toString() {
        return signal == 0 ? "exited with code " + code
                : "killed by " + Signal.describe(signal) + (coreDumped ? " (core dumped)" : "");
    }
}
