package dev.turnstile.posix;

/**
 * The signals the models send or report, with their Linux numbers (the same on x86_64 and
 * aarch64). Other numbers are reported as {@code signal N}.
 */
public enum Signal {
    HUP(1), INT(2), QUIT(3), ILL(4), TRAP(5), ABRT(6), BUS(7), FPE(8), KILL(9), USR1(10), SEGV(11),
    USR2(12), PIPE(13), ALRM(14), TERM(15), CHLD(17), CONT(18), STOP(19), XCPU(24), XFSZ(25), SYS(31);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** {@code SIGKILL} for 9; {@code signal 42} for a number not listed here. */
    public static String describe(int number) {
        for (Signal s : values()) {
            if (s.number == number) {
                return "SIG" + s.name();
            }
        }
        return "signal " + number;
    }
}
